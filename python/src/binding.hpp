// What the binding files of hypatia._core share: the user's source location, Python
// values as graph operands (with Theano's literal rules), dtypes and axes from Python,
// and NumPy arrays in and out. One binding file per bound class (array, type,
// variable, function, config, errors) plus ops.cpp for the free op functions; each
// defines one bind_* function that module.cpp calls.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "hypatia/hypatia.hpp"

namespace hypatia::python {

namespace py = pybind11;

// ---- where the user is (location.cpp)

// The innermost Python frame outside the hypatia package: where a node made from
// Python says it was made, so that C++ errors name the user's file and line.
SourceLocation user_location();
// The folder of the hypatia package; frames in files under it are skipped.
void set_package_dir(const std::string& dir);

// ---- Python values as operands (operand.cpp)

// How Python scalars in expressions get their dtype (config flag cast_policy).
enum class CastPolicy {
  custom,  // Theano's autocast: the smallest int8..int64 / float32..float64 that holds it
  numpy,   // NumPy 2's weak scalars: the dtype of the expression it meets (hypatia::Operand)
};
CastPolicy cast_policy();
void set_cast_policy(CastPolicy policy);

// A symbolic variable for any Python value: a TensorVariable as is, a Python scalar by
// Theano's autocast (whatever the cast policy: on its own, a literal has no expression
// to meet), a NumPy array or scalar with its dtype, a list through numpy.asarray.
Variable to_variable(py::handle obj, SourceLocation where);
// An operand of an expression: as to_variable, except that Python scalars follow the
// cast policy.
Operand to_operand(py::handle obj, SourceLocation where);
// Sizes for reshape, zeros, alloc ...: an int, a sequence of ints and int scalar
// variables, or `x.shape`.
std::vector<Operand> to_sizes(py::handle obj, SourceLocation where, const char* what);
// A dtype from a name ('float32', 'floatX'), a NumPy dtype or a type (float, np.int8);
// None gives floatX.
DType to_dtype(py::handle obj);
std::optional<DType> to_optional_dtype(py::handle obj);
// An axis argument: None (every axis), an int, or a sequence of ints.
Axes to_axes(py::handle obj, const char* what);
std::vector<std::int64_t> to_int_list(py::handle obj, const char* what);
// The index of an int-like (Python int, NumPy integer); TypeError naming `what` otherwise.
std::int64_t to_index(py::handle obj, const char* what);
// The Python name of a dtype: 'float64', 'bool' ...
py::str dtype_str(DType t);

// ---- NumPy arrays (array.cpp)

// The NumPy dtype of a hypatia dtype.
py::dtype numpy_dtype(DType t);
// The hypatia dtype of a NumPy dtype, when it is one of ours in native byte order.
std::optional<DType> core_dtype(const py::dtype& d);
// A NumPy array viewing `a` and keeping its buffer alive.
py::array to_numpy(const Array& a, bool writeable = true);
// An Array for `value` (anything numpy.asarray takes), for constants: NumPy's dtype,
// borrowed where the layout allows, so valid only while `keep` lives.
Array to_array(py::handle value, std::vector<py::object>& keep);
// An argument checked and converted for an input of type `t`, by Theano's rules
// (TensorType.filter): the same dtype or one that converts without loss (Python floats
// convert to floatX), any dtype when allow_downcast is true. NumPy arrays are borrowed,
// not copied, where the dtype and layout allow; `keep` holds what must outlive the
// result. Rank and static sizes are checked by the compiled function.
Array filter_argument(py::handle data, const Type& t, std::optional<bool> allow_downcast, const std::string& who,
                      std::vector<py::object>& keep);
// "input 0 ('x')", as the core names function inputs.
std::string describe_input(const Variable& v, std::size_t position);

// ---- errors (errors.cpp)

// Raises hypatia.UnusedInputError (a Python class of its own: the core has no such error).
[[noreturn]] void throw_unused_input(const std::string& message);

// ---- op helpers shared by the free functions and the TensorVariable methods
// (ops.cpp, ops_shape.cpp); each takes Python arguments and records the user's line.

using ReduceFn = Variable (*)(const Operand&, Axes, bool);
using SpreadFn = Variable (*)(const Operand&, Axes, std::int64_t, bool);  // var, std
using ArgFn = Variable (*)(const Operand&, std::optional<std::int64_t>, bool);
Variable py_reduce(ReduceFn f, py::handle x, py::handle axis, bool keepdims);
Variable py_spread(SpreadFn f, py::handle x, py::handle axis, std::int64_t ddof, bool keepdims);
Variable py_arg_reduce(ArgFn f, const char* name, py::handle x, py::handle axis, bool keepdims);
Variable py_round(py::handle x, py::handle mode);
Variable py_clip(py::handle x, py::handle lo, py::handle hi);
Variable py_cast(py::handle x, py::handle dtype);
Variable py_dot(py::handle a, py::handle b);
Variable py_matmul(py::handle a, py::handle b);
Variable py_reshape(py::handle x, py::handle shape, py::handle ndim);
// `pattern` a sequence of axes and 'x' (a new broadcastable axis).
Variable py_dimshuffle(py::handle x, py::handle pattern);
// `axes` None (reverse) or a sequence.
Variable py_transpose(py::handle x, py::handle axes);
Variable py_flatten(py::handle x, std::int64_t ndim);
Variable py_squeeze(py::handle x, py::handle axis);
Variable py_filled_like(bool ones, py::handle x, py::handle dtype);
// Python's positional arguments `args` as one sequence: f(2, 3) and f((2, 3)) alike.
py::object one_or_many(const py::args& args);

// ---- indexing and structural ops (ops_index.cpp, ops_struct.cpp, ops_sort.cpp)

// A Python key (what goes inside `x[...]`) as the core's key items; IndexError with
// NumPy's words for an item that is not one. NumPy's rules are the core's `index`.
std::vector<Index> to_key(py::handle key, SourceLocation where);
// x[key].
Variable py_index(const Variable& x, py::handle key, SourceLocation where);
Variable py_take(py::handle a, py::handle indices, py::handle axis, py::handle mode);
// A tuple of vectors, or one matrix when return_matrix (Theano's nonzero).
py::object py_nonzero(py::handle a, bool return_matrix);
Variable py_repeat(py::handle x, py::handle repeats, py::handle axis);
// A list or tuple of tensors (each through to_variable); TypeError otherwise.
std::vector<Operand> to_operand_list(py::handle seq, SourceLocation where, const char* what);
// A Python int as an int64 operand (no autocast), anything else through to_variable.
Operand int_operand(py::handle obj, SourceLocation where, const char* what);

// ---- the bound classes and functions

void bind_errors(py::module_& m);
void bind_config(py::module_& m);
void bind_array(py::module_& m);
void bind_type(py::module_& m);
void bind_variable(py::module_& m);
void bind_function(py::module_& m);
void bind_ops(py::module_& m);        // ops.cpp: elementwise, reductions, products
void bind_ops_shape(py::module_& m);  // ops_shape.cpp: shape operations, creation
void bind_gradient(py::module_& m);   // gradient.cpp: grad, Rop, Lop, verify_grad, helper ops
void bind_ops_index(py::module_& m);  // ops_index.cpp: set/inc_subtensor, take, nonzero
void bind_ops_struct(py::module_& m);  // ops_struct.cpp: join, stack, split, tile, repeat, roll, pad ...
void bind_ops_sort(py::module_& m);   // ops_sort.cpp: sort, cumulative, triangles, diagonals, counting
void bind_ops_nnet(py::module_& m);   // ops_nnet.cpp: logaddexp, logsumexp, softmax, cross-entropy ...
void bind_random(py::module_& m);     // random.cpp: the random ops (and RandomStreams)
void bind_random_streams(py::module_& m);  // random_streams.cpp: RandomStreams (called by bind_random)
// size for the random ops: None or () (the parameters' broadcast shape), an int, a
// sequence of ints and int scalar variables, x.shape, or an int vector variable of
// known length.
std::vector<Operand> random_sizes(py::handle size, SourceLocation where, const char* what);
void bind_cache(py::module_& m);      // cache.cpp: the CPU backend's module cache (hypatia.cache)
void bind_shared(py::module_& m);     // shared.cpp: SharedVariable, shared()
// ops_sort.cpp: TensorVariable's methods for this round's ops (after bind_variable).
void bind_variable_methods(py::module_& m);
// printing.cpp: debugprint, pp, graph_dot.
void bind_printing(py::module_& m);
// The Function behind a compiled hypatia.Function, or nullptr for anything else.
const Function* function_of(py::handle obj);

}  // namespace hypatia::python
