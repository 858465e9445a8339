// Helpers shared by the C++ tests. They compare what Hypatia computes with values
// the test computes independently (plain loops over std:: math, known constants).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "hypatia/hypatia.hpp"
#include "ops/op_util.hpp"

namespace hypatia::testing {

// The backend op tests run on: HYPATIA_TEST_LINKER (cpu or interp), interp unless
// set. ctest runs the op tests once on each.
inline std::string test_linker() {
  const char* env = std::getenv("HYPATIA_TEST_LINKER");
  return env != nullptr && *env != '\0' ? env : "interp";
}

// Compiles `outputs` of `inputs` without rewriting (so an op test tests that op's
// kernel, not what a rule made of it) and runs it once on `args`.
inline std::vector<Array> eval(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                               const std::vector<Array>& args) {
  Mode mode = Mode::without_rewrites();
  mode.linker = test_linker();
  return function(inputs, outputs, mode)(args);
}
inline Array eval1(const std::vector<Variable>& inputs, const Variable& output, const std::vector<Array>& args) {
  return eval(inputs, {output}, args)[0];
}

// Values equal within rtol/atol (NaN equals NaN; infinities must match exactly).
inline bool close(double actual, double expected, double rtol, double atol) {
  if (std::isnan(expected)) return std::isnan(actual);
  if (std::isinf(expected)) return actual == expected;
  return std::abs(actual - expected) <= atol + rtol * std::abs(expected);
}

// `actual` has `dtype` and `shape` and holds `expected` (C order) within tolerance.
inline void expect_array(const Array& actual, DType dtype, const Shape& shape, const std::vector<double>& expected,
                         double rtol = 1e-12, double atol = 0) {
  ASSERT_EQ(actual.dtype(), dtype) << "dtype";
  ASSERT_EQ(actual.shape(), shape) << "shape";
  std::vector<double> got = actual.to_vector<double>();
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(close(got[i], expected[i], rtol, atol))
        << "element " << i << ": got " << got[i] << ", expected " << expected[i];
  }
}

// Exact comparison for integer and bool results, element by element as int64/uint64.
template <class T>
void expect_exact(const Array& actual, const Shape& shape, const std::vector<T>& expected) {
  ASSERT_EQ(actual.dtype(), dtype_of_v<T>) << "dtype";
  ASSERT_EQ(actual.shape(), shape) << "shape";
  std::vector<T> got = actual.to_vector<T>();
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "element " << i;
}

// Checks the op's symbolic shape inference for `output` against the shape the
// reference kernel actually produced for `args`.
inline void expect_shape_inference(const std::vector<Variable>& inputs, const Variable& output,
                                   const std::vector<Array>& args) {
  const Array value = eval1(inputs, output, args);
  const auto shapes = detail::infer_output_shapes(output.node(), SourceLocation::current());
  const SymShape& sym = shapes.at(static_cast<std::size_t>(output.index()));
  ASSERT_EQ(static_cast<int>(sym.size()), value.ndim()) << "inferred rank";
  if (sym.empty()) return;
  // Only inputs the size expressions use may be passed; pass all, marking unused ok.
  std::vector<Variable> needed;
  std::vector<Array> needed_args;
  std::vector<std::shared_ptr<const Node>> order = topological_order(sym);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (const auto& n : order) {
      if (n.get() == &inputs[i].node()) {
        needed.push_back(inputs[i]);
        needed_args.push_back(args[i]);
        break;
      }
    }
  }
  std::vector<Array> sizes = function(needed, sym)(needed_args);
  for (std::size_t d = 0; d < sizes.size(); ++d) {
    EXPECT_EQ(sizes[d].item<std::int64_t>(), value.shape()[d]) << "inferred size of dimension " << d;
  }
}

// Expects `f` to throw E with a message containing every one of `parts`.
template <class E, class F>
void expect_error(F&& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no exception thrown";
  } catch (const E& e) {
    const std::string msg = e.what();
    for (const std::string& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
}

}  // namespace hypatia::testing
