// The CPU backend's module cache for `python3 -m hypatia.cache` (hypatia/cache.py):
// list and clear a cache directory, and the default one.
#include "backend/cpu/blas_select.hpp"
#include "backend/cpu/compiler.hpp"
#include "binding.hpp"

namespace hypatia::python {

void bind_cache(py::module_& m) {
  m.def(
      "_cache_list",
      [](const std::string& dir) {
        py::list out;
        for (const cpu::CacheEntry& e : cpu::list_cache(dir)) {
          py::dict d;
          d["key"] = e.key;
          d["bytes"] = e.bytes;
          d["created"] = e.created;
          d["complete"] = e.complete;
          d["summary"] = e.summary;
          out.append(d);
        }
        return out;
      },
      py::arg("dir") = "",
      "The module cache's entries in dir (empty: the default directory), oldest first: dicts of key, bytes, "
      "created (Unix time), complete, summary (kernel names or the source's first line).");
  m.def(
      "_cache_clear", [](const std::string& dir) { return cpu::clear_cache(dir); }, py::arg("dir") = "",
      "Removes the module cache's entries from dir (empty: the default directory); returns how many.");
  m.def("_cache_default_compiledir", &cpu::default_compiledir,
        "The module cache directory used when none is given (config flag compiledir).");
  // Not the cache's, but the cpu backend's too: which BLAS its products run (bench/peers.py).
  m.def("_blas_info", &cpu::blas::selection_report,
        "The cpu backend's gemm choice: the CPU's features, OpenBLAS's kernel, the library for sgemm and dgemm.");
}

}  // namespace hypatia::python
