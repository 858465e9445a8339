// hypatia._core: the extension module under the hypatia package. The Python files
// of the package give these bindings their public names (hypatia.tensor, ...).
#include "binding.hpp"

PYBIND11_MODULE(_core, m) {
  namespace hp = hypatia::python;
  m.doc() = "Hypatia's C++ core, bound for the hypatia package; use hypatia and hypatia.tensor.";
  // Classes first, so that the signatures of the functions below name them.
  hp::bind_errors(m);
  hp::bind_config(m);
  hp::bind_type(m);
  hp::bind_variable(m);
  hp::bind_shared(m);
  hp::bind_array(m);
  hp::bind_function(m);
  hp::bind_ops(m);
  hp::bind_ops_shape(m);
  hp::bind_gradient(m);
  hp::bind_ops_index(m);
  hp::bind_ops_struct(m);
  hp::bind_ops_sort(m);
  hp::bind_ops_nnet(m);
  hp::bind_random(m);
  hp::bind_cache(m);
  hp::bind_variable_methods(m);
  hp::bind_printing(m);
  m.def("_set_package_dir", &hp::set_package_dir, pybind11::arg("dir"),
        "Frames in files under dir are skipped when finding the user's source line.");
  m.def(
      "tensor",
      [](const std::string& name, pybind11::handle dtype, pybind11::handle shape) {
        hypatia::Shape s;
        for (pybind11::handle d : shape) {
          if (d.is_none()) {
            s.push_back(hypatia::kUnknownDim);
          } else {
            s.push_back(hp::to_index(d, "tensor: a size"));
          }
        }
        return hypatia::tensor(name, hp::to_dtype(dtype), s, hp::user_location());
      },
      pybind11::arg("name"), pybind11::arg("dtype"), pybind11::arg("shape"),
      "A symbolic input: name, dtype (None for floatX), shape (a size or None per dimension).");
  m.def(
      "as_tensor_variable",
      [](pybind11::handle x) { return hp::to_variable(x, hp::user_location()); }, pybind11::arg("x"),
      "x as a TensorVariable: variables as they are, Python numbers by Theano's autocast, NumPy values and "
      "lists as constants of their dtype.");
  m.def(
      "constant",
      [](pybind11::handle x, pybind11::handle dtype) {
        const hypatia::SourceLocation w = hp::user_location();
        if (pybind11::isinstance<hypatia::Variable>(x)) {
          throw hypatia::TypeError(hypatia::format_location(w) + ": constant() of a symbolic variable");
        }
        hypatia::Variable v = hp::to_variable(x, w);
        if (!dtype.is_none() && hp::to_dtype(dtype) != v.dtype()) {
          return hypatia::constant(v.constant_value().astype(hp::to_dtype(dtype)), w);
        }
        return v;
      },
      pybind11::arg("x"), pybind11::arg("dtype") = pybind11::none(),
      "A constant: x (a number, list or NumPy array) by Theano's autocast, or converted to dtype.");
}
