// RandomStreams for Python: the C++ class, which
// hypatia.tensor.shared_randomstreams.RandomStreams wraps with Theano's signatures and
// argument rules.
#include "binding.hpp"
#include "hypatia/random.hpp"

namespace hypatia::python {

void bind_random_streams(py::module_& m) {
  py::class_<RandomStreams>(m, "_RandomStreams")
      .def(py::init<std::uint64_t>(), py::arg("seed"))
      .def("uniform",
           [](RandomStreams& r, py::handle size, py::handle low, py::handle high, py::handle dtype) {
             const SourceLocation w = user_location();
             return r.uniform(random_sizes(size, w, "uniform"), to_operand(low, w), to_operand(high, w), to_dtype(dtype),
                              w);
           })
      .def("normal",
           [](RandomStreams& r, py::handle size, py::handle mean, py::handle sd, py::handle dtype) {
             const SourceLocation w = user_location();
             return r.normal(random_sizes(size, w, "normal"), to_operand(mean, w), to_operand(sd, w), to_dtype(dtype), w);
           })
      .def("truncated_normal",
           [](RandomStreams& r, py::handle size, py::handle mean, py::handle sd, py::handle dtype) {
             const SourceLocation w = user_location();
             return r.truncated_normal(random_sizes(size, w, "truncated_normal"), to_operand(mean, w), to_operand(sd, w),
                                       to_dtype(dtype), w);
           })
      .def("binomial",
           [](RandomStreams& r, py::handle size, py::handle n, py::handle p, py::handle dtype) {
             const SourceLocation w = user_location();
             return r.binomial(random_sizes(size, w, "binomial"), to_operand(n, w), to_operand(p, w), to_dtype(dtype), w);
           })
      .def("integers",
           [](RandomStreams& r, py::handle size, py::handle low, py::handle high, py::handle dtype) {
             const SourceLocation w = user_location();
             return r.integers(random_sizes(size, w, "integers"), to_operand(low, w), to_operand(high, w), to_dtype(dtype),
                               w);
           })
      .def("choice",
           [](RandomStreams& r, py::handle size, py::handle a, bool replace, py::handle p) {
             const SourceLocation w = user_location();
             std::optional<Operand> po;
             if (!p.is_none()) po = to_operand(p, w);
             return r.choice(random_sizes(size, w, "choice"), to_operand(a, w), replace, po, w);
           })
      .def("permutation",
           [](RandomStreams& r, py::handle size, py::handle n) {
             const SourceLocation w = user_location();
             return r.permutation(random_sizes(size, w, "permutation"), to_operand(n, w), w);
           })
      .def("multinomial",
           [](RandomStreams& r, py::handle size, py::handle n, py::handle pvals, py::handle dtype) {
             const SourceLocation w = user_location();
             return r.multinomial(random_sizes(size, w, "multinomial"), to_operand(n, w), to_operand(pvals, w),
                                  to_dtype(dtype), w);
           })
      .def("seed", &RandomStreams::seed, py::arg("seed"))
      .def("get_seed", &RandomStreams::get_seed)
      .def("updates", [](const RandomStreams& r) {
        // The states as SharedVariables where Python knows that class, else as their
        // TensorVariable base.
        const bool bound = py::detail::get_type_info(typeid(SharedVariable)) != nullptr;
        py::list out;
        for (const auto& [state, update] : r.updates()) {
          out.append(py::make_tuple(bound ? py::cast(state) : py::cast(static_cast<const Variable&>(state)), update));
        }
        return out;
      });
}

}  // namespace hypatia::python
