// ProfileStats (hypatia/profile.hpp) for Python: the core's snapshot of a profiled
// function, which hypatia.compile.profiling.ProfileStats wraps (summary(file=...)).
#include "binding.hpp"

namespace hypatia::python {

void bind_profile(py::module_& m) {
  py::class_<CompileStats::Phase>(m, "CompilePhase", "One rewrite phase: name, runs, seconds.")
      .def_readonly("name", &CompileStats::Phase::name)
      .def_readonly("runs", &CompileStats::Phase::runs)
      .def_readonly("seconds", &CompileStats::Phase::seconds)
      .def("__repr__", [](const CompileStats::Phase& p) {
        return "<CompilePhase " + p.name + ": " + std::to_string(p.seconds) + "s>";
      });
  py::class_<CompileStats::Rule>(m, "CompileRule", "One rewrite rule: phase, name, attempts, fired, seconds.")
      .def_readonly("phase", &CompileStats::Rule::phase)
      .def_readonly("name", &CompileStats::Rule::name)
      .def_readonly("attempts", &CompileStats::Rule::attempts)
      .def_readonly("fired", &CompileStats::Rule::fired)
      .def_readonly("seconds", &CompileStats::Rule::seconds)
      .def("__repr__", [](const CompileStats::Rule& r) {
        return "<CompileRule " + r.phase + "/" + r.name + ": fired " + std::to_string(r.fired) + " of " +
               std::to_string(r.attempts) + ">";
      });
  py::class_<CompileStats>(m, "CompileStats", "What hypatia.function spent compiling (see ProfileStats).")
      .def_readonly("total_seconds", &CompileStats::total_seconds)
      .def_readonly("rewrite_seconds", &CompileStats::rewrite_seconds)
      .def_readonly("phases", &CompileStats::phases)
      .def_readonly("rules", &CompileStats::rules, "Every rule tried, slowest first.")
      .def_readonly("linker", &CompileStats::linker)
      .def_readonly("lower_seconds", &CompileStats::lower_seconds)
      .def_readonly("plan_seconds", &CompileStats::plan_seconds)
      .def_readonly("kernels", &CompileStats::kernels)
      .def_readonly("compiled_module", &CompileStats::compiled_module)
      .def_readonly("cache_hit", &CompileStats::cache_hit)
      .def_readonly("cxx_seconds", &CompileStats::cxx_seconds);
  py::class_<ProfileStats::Output>(m, "ProfileOutput", "A step's output: type, bytes, view.")
      .def_readonly("type", &ProfileStats::Output::type)
      .def_readonly("bytes", &ProfileStats::Output::bytes)
      .def_readonly("view", &ProfileStats::Output::view);
  py::class_<ProfileStats::Step>(m, "ProfileStep", "One step of the schedule: a node, or a fused kernel.")
      .def_readonly("index", &ProfileStats::Step::index)
      .def_readonly("kind", &ProfileStats::Step::kind)
      .def_readonly("name", &ProfileStats::Step::name)
      .def_readonly("ops", &ProfileStats::Step::ops)
      .def_readonly("nodes", &ProfileStats::Step::nodes)
      .def_readonly("where", &ProfileStats::Step::where)
      .def_readonly("calls", &ProfileStats::Step::calls)
      .def_readonly("seconds", &ProfileStats::Step::seconds)
      .def_readonly("outputs", &ProfileStats::Step::outputs)
      .def_property_readonly("per_call", &ProfileStats::Step::per_call)
      .def_property_readonly("bytes", &ProfileStats::Step::bytes)
      .def("__repr__", [](const ProfileStats::Step& s) {
        return "<ProfileStep " + std::to_string(s.index) + " " + s.name + ": " + std::to_string(s.calls) +
               " calls, " + std::to_string(s.seconds) + "s>";
      });
  py::class_<ProfileStats::Op>(m, "ProfileOp", "Per op (or kind of step): name, seconds, calls, applies.")
      .def_readonly("name", &ProfileStats::Op::name)
      .def_readonly("seconds", &ProfileStats::Op::seconds)
      .def_readonly("calls", &ProfileStats::Op::calls)
      .def_readonly("applies", &ProfileStats::Op::applies)
      .def("__repr__", [](const ProfileStats::Op& o) {
        return "<ProfileOp " + o.name + ": " + std::to_string(o.seconds) + "s, " + std::to_string(o.calls) +
               " calls>";
      });
  py::class_<ProfileStats>(m, "ProfileSnapshot", "What the profiler of a function measured, at one moment.")
      .def_readonly("name", &ProfileStats::name)
      .def_readonly("where", &ProfileStats::where)
      .def_readonly("linker", &ProfileStats::linker)
      .def_readonly("calls", &ProfileStats::calls)
      .def_readonly("call_seconds", &ProfileStats::call_seconds)
      .def_readonly("step_seconds", &ProfileStats::step_seconds)
      .def_readonly("steps", &ProfileStats::steps)
      .def_readonly("peak_bytes", &ProfileStats::peak_bytes)
      .def_readonly("compile", &ProfileStats::compile)
      .def("ops", &ProfileStats::ops, "Per op, slowest first (a fused kernel's time split evenly).")
      .def("kinds", &ProfileStats::kinds, "Per kind of step, slowest first.")
      .def_property_readonly("output_bytes", &ProfileStats::output_bytes)
      .def("summary", &ProfileStats::summary, py::arg("n_apply") = 15, "Theano's summary table, as text.");
}

}  // namespace hypatia::python
