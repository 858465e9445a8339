// The free op functions of hypatia._core, part three: joining, splitting and
// rearranging arrays (hypatia/ops/join.hpp), under NumPy's and Theano's names. Python
// arguments become the core's here; the semantics (shapes, dtypes, errors) are the
// core's.
#include "binding.hpp"

namespace hypatia::python {
namespace {

py::module_& numpy() {
  static auto* np = new py::module_(py::module_::import("numpy"));  // never freed: used until exit
  return *np;
}

std::string describe(py::handle obj) {
  std::string text = py::repr(obj);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return std::string(py::str(py::type::handle_of(obj).attr("__name__"))) + " (" + text + ")";
}

}  // namespace

std::vector<Operand> to_operand_list(py::handle seq, SourceLocation where, const char* what) {
  if (py::isinstance<Variable>(seq) || py::isinstance<py::str>(seq) || !py::isinstance<py::sequence>(seq)) {
    throw TypeError(format_location(where) + ": " + what + " takes a list or tuple of tensors, not a " +
                    describe(seq));
  }
  std::vector<Operand> out;
  for (py::handle x : seq) out.emplace_back(to_variable(x, where), where);
  return out;
}

Operand int_operand(py::handle obj, SourceLocation where, const char* what) {
  if (PyIndex_Check(obj.ptr()) && !py::isinstance<Variable>(obj) && !PyBool_Check(obj.ptr()) &&
      !py::isinstance<py::array>(obj)) {
    return Operand(to_index(obj, what), where);
  }
  return Operand(to_variable(obj, where), where);
}

namespace {

// Theano's *args and NumPy's one sequence: f(a, b) and f([a, b]) alike.
std::vector<Operand> tensors_of(const py::args& args, SourceLocation where, const char* what) {
  if (args.size() == 1 && !py::isinstance<Variable>(args[0]) && !py::isinstance<py::array>(args[0])) {
    return to_operand_list(args[0], where, what);
  }
  return to_operand_list(args, where, what);
}

std::vector<std::pair<std::int64_t, std::int64_t>> pad_pairs(py::handle pad_width, int ndim, SourceLocation w) {
  py::array widths = numpy().attr("asarray")(pad_width);
  const char kind = widths.dtype().kind();
  if (kind != 'i' && kind != 'u') {
    throw TypeError(format_location(w) + ": pad: pad_width must be of integral type, not " +
                    std::string(py::str(widths.dtype())));
  }
  // NumPy's rule: pad_width broadcast to one (before, after) pair per axis.
  try {
    widths = numpy().attr("broadcast_to")(widths, py::make_tuple(ndim, 2));
  } catch (const py::error_already_set&) {
    throw ValueError(format_location(w) + ": pad: pad_width " + std::string(py::str(pad_width)) +
                     " does not give one (before, after) pair per axis of the " + std::to_string(ndim) +
                     "-d input (an int, (before, after), or one pair per axis)");
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  for (int i = 0; i < ndim; ++i) {
    const py::handle row = widths[py::int_(i)];
    pairs.emplace_back(to_index(row[py::int_(0)], "pad: pad_width"), to_index(row[py::int_(1)], "pad: pad_width"));
  }
  return pairs;
}

}  // namespace

Variable py_repeat(py::handle x, py::handle repeats, py::handle axis) {
  const SourceLocation w = user_location();
  std::optional<std::int64_t> a;
  if (!axis.is_none()) a = to_index(axis, "repeat: axis");
  return repeat(to_operand(x, w), int_operand(repeats, w, "repeat: repeats"), a);
}

void bind_ops_struct(py::module_& m) {
  m.def(
      "concatenate",
      [](py::handle tensors, std::int64_t axis) {
        const SourceLocation w = user_location();
        return concatenate(to_operand_list(tensors, w, "concatenate"), axis);
      },
      py::arg("tensor_list"), py::arg("axis") = 0,
      "numpy.concatenate: the tensors (a list or tuple) joined along an existing axis; the dtype is the "
      "promotion of theirs.");
  m.def(
      "join",
      [](std::int64_t axis, const py::args& tensors) {
        const SourceLocation w = user_location();
        return join(axis, tensors_of(tensors, w, "join"));
      },
      py::arg("axis"), "Theano's join(axis, *tensors): numpy.concatenate(tensors, axis).");
  m.def(
      "_stack",
      [](py::handle tensors, std::int64_t axis) {
        const SourceLocation w = user_location();
        return stack(to_operand_list(tensors, w, "stack"), axis);
      },
      py::arg("tensors"), py::arg("axis") = 0, "numpy.stack: the tensors joined along a new axis.");
  m.def(
      "horizontal_stack",
      [](const py::args& tensors) {
        const SourceLocation w = user_location();
        return horizontal_stack(tensors_of(tensors, w, "horizontal_stack"));
      },
      "numpy.hstack (Theano's horizontal_stack(*tensors)): joined along axis 1, or axis 0 for vectors.");
  m.def(
      "vertical_stack",
      [](const py::args& tensors) {
        const SourceLocation w = user_location();
        return vertical_stack(tensors_of(tensors, w, "vertical_stack"));
      },
      "numpy.vstack (Theano's vertical_stack(*tensors)): vectors become rows, then joined along axis 0.");
  m.def(
      "split",
      [](py::handle x, py::handle splits_size, std::int64_t n_splits, std::int64_t axis) {
        const SourceLocation w = user_location();
        std::vector<Operand> sizes;
        if (py::isinstance<Variable>(splits_size)) {
          const Variable v = splits_size.cast<Variable>();
          if (v.ndim() != 1) {
            throw TypeError(format_location(w) + ": split: splits_size must be a vector of sizes, not " +
                            v.type().str());
          }
          for (std::int64_t i = 0; i < n_splits; ++i) sizes.emplace_back(index(Operand(v, w), {Index(i, w)}), w);
        } else {
          sizes = to_sizes(splits_size, w, "split");
          if (static_cast<std::int64_t>(sizes.size()) != n_splits) {
            throw ValueError(format_location(w) + ": split: n_splits is " + std::to_string(n_splits) + " but " +
                             std::to_string(sizes.size()) + " sizes are given");
          }
        }
        const std::vector<Variable> parts = split(to_operand(x, w), sizes, axis);
        return py::cast(parts);
      },
      py::arg("x"), py::arg("splits_size"), py::arg("n_splits"), py::arg("axis") = 0,
      "Theano's split: x cut along axis into n_splits pieces of the sizes splits_size (a list of ints and "
      "int scalars, or an int vector), which must add up to the axis' size. Returns a list.");
  m.def(
      "tile",
      [](py::handle x, py::handle reps, py::handle ndim) {
        const SourceLocation w = user_location();
        if (py::isinstance<Variable>(reps)) {
          throw TypeError(format_location(w) + ": tile: reps must be integers; symbolic reps are not supported");
        }
        std::vector<std::int64_t> r = to_int_list(reps, "tile: reps");
        if (!ndim.is_none()) {
          const std::int64_t n = to_index(ndim, "tile: ndim");
          if (n < static_cast<std::int64_t>(r.size())) {
            throw ValueError(format_location(w) + ": tile: ndim " + std::to_string(n) + " is below len(reps) " +
                             std::to_string(r.size()));
          }
          r.insert(r.begin(), static_cast<std::size_t>(n) - r.size(), 1);
        }
        return tile(to_operand(x, w), r);
      },
      py::arg("x"), py::arg("reps"), py::arg("ndim") = py::none(),
      "numpy.tile: x repeated reps times along each axis (reps: an int or a sequence of ints).");
  m.def("repeat", &py_repeat, py::arg("x"), py::arg("repeats"), py::arg("axis") = py::none(),
        "numpy.repeat: each element repeated repeats times (an int, an int scalar, or one count per element of "
        "the axis) along axis, of the flattened x when axis is None.");
  m.def(
      "roll",
      [](py::handle x, py::handle shift, py::handle axis) {
        const SourceLocation w = user_location();
        if (axis.is_none() || PyIndex_Check(axis.ptr())) {
          std::optional<std::int64_t> a;
          if (!axis.is_none()) a = to_index(axis, "roll: axis");
          return roll(to_operand(x, w), int_operand(shift, w, "roll: shift"), a);
        }
        // NumPy's tuple form: one shift per axis (a single shift for all of them).
        const std::vector<std::int64_t> axes = to_int_list(axis, "roll: axis");
        std::vector<py::object> shifts;
        if (py::isinstance<py::sequence>(shift) && !py::isinstance<Variable>(shift)) {
          for (py::handle s : shift) shifts.push_back(py::reinterpret_borrow<py::object>(s));
          if (shifts.size() != axes.size()) {
            throw ValueError(format_location(w) + ": roll: " + std::to_string(shifts.size()) + " shifts for " +
                             std::to_string(axes.size()) + " axes");
          }
        } else {
          shifts.assign(axes.size(), py::reinterpret_borrow<py::object>(shift));
        }
        Variable out = to_variable(x, w);
        for (std::size_t i = 0; i < axes.size(); ++i) {
          out = roll(Operand(out, w), int_operand(shifts[i], w, "roll: shift"), axes[i]);
        }
        return out;
      },
      py::arg("x"), py::arg("shift"), py::arg("axis") = py::none(),
      "numpy.roll: elements shifted by shift along axis (of the flattened x when None), wrapping around; "
      "shift may be an int scalar variable. A tuple of axes takes one shift per axis.");
  m.def(
      "flip",
      [](py::handle x, py::handle axis) {
        const SourceLocation w = user_location();
        return flip(to_operand(x, w), to_axes(axis, "flip: axis"));
      },
      py::arg("x"), py::arg("axis") = py::none(),
      "numpy.flip: the order of elements reversed along axis (an int, a tuple, or None for every axis); a view.");
  m.def(
      "pad",
      [](py::handle x, py::handle pad_width, const std::string& mode, py::handle constant_values) {
        const SourceLocation w = user_location();
        const Operand op = to_operand(x, w);
        double value = 0.0;
        if (PyBool_Check(constant_values.ptr()) || PyIndex_Check(constant_values.ptr()) ||
            PyFloat_Check(constant_values.ptr()) || py::isinstance<py::array>(constant_values)) {
          value = py::float_(py::reinterpret_borrow<py::object>(constant_values));
        } else {
          throw TypeError(format_location(w) + ": pad: constant_values must be one number, not " +
                          describe(constant_values));
        }
        return pad(op, pad_pairs(pad_width, op.variable().ndim(), w), mode, value);
      },
      py::arg("x"), py::arg("pad_width"), py::arg("mode") = "constant", py::arg("constant_values") = 0,
      "numpy.pad: pad_width is an int (every side), (before, after) (every axis) or one pair per axis; mode "
      "'constant' (with constant_values), 'edge' or 'reflect'.");
  m.def(
      "diff",
      [](py::handle x, std::int64_t n, std::int64_t axis) {
        const SourceLocation w = user_location();
        return diff(to_operand(x, w), n, axis);
      },
      py::arg("x"), py::arg("n") = 1, py::arg("axis") = -1,
      "numpy.diff: the n-th forward difference along axis (x[1:] - x[:-1], n times).");
}

}  // namespace hypatia::python
