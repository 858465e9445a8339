// The user's source location from the Python frame stack.
#include <cstring>
#include <string>

#include "binding.hpp"
#include "hypatia/config.hpp"

namespace hypatia::python {
namespace {

// Set once by hypatia/__init__.py; read under the GIL.
std::string g_package_dir;

std::string utf8_or(PyObject* s, const char* fallback) {
  if (s != nullptr) {
    if (const char* p = PyUnicode_AsUTF8(s)) return p;
    PyErr_Clear();  // an undecodable file name is not worth an exception
  }
  return fallback;
}

}  // namespace

void set_package_dir(const std::string& dir) {
  g_package_dir = dir;
  if (!g_package_dir.empty() && g_package_dir.back() != '/') g_package_dir += '/';
}

SourceLocation user_location() {
  // traceback.limit = 0: record nothing (a node keeps one frame, so any other limit
  // records the innermost user frame).
  if (config().traceback_limit() == 0) return SourceLocation{};
  PyFrameObject* frame = PyEval_GetFrame();  // borrowed
  Py_XINCREF(frame);
  while (frame != nullptr) {
    PyCodeObject* code = PyFrame_GetCode(frame);  // new reference
    const std::string file = utf8_or(code->co_filename, "<unknown>");
    const bool ours = !g_package_dir.empty() && file.compare(0, g_package_dir.size(), g_package_dir) == 0;
    if (!ours) {
      const int line = PyFrame_GetLineNumber(frame);
      const std::string function = utf8_or(code->co_name, "");
      Py_DECREF(code);
      Py_DECREF(frame);
      return SourceLocation::make(file, static_cast<unsigned>(line < 0 ? 0 : line), function);
    }
    PyFrameObject* back = PyFrame_GetBack(frame);  // new reference
    Py_DECREF(code);
    Py_DECREF(frame);
    frame = back;
  }
  return SourceLocation::make("<python>", 0, "");
}

}  // namespace hypatia::python
