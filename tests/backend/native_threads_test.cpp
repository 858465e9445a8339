// Native kernels on several threads (native_util.hpp's split_parts above kParallelWork):
// softmax_cross_entropy's rows (native_xent.cpp) and take along any axis of a
// contiguous array (native_gather.cpp) give the same bits on one thread and on two, and
// the interpreter's; an index out of range in the second thread's part still raises
// the reference's IndexError.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/native_util.hpp"
#include "backend_test_util.hpp"

namespace hypatia {
namespace {

using testing::compile_on;
using testing::expect_identical;

using testing::spread;

std::vector<std::int64_t> indices(std::size_t n, std::int64_t lo, std::int64_t hi, int seed) {
  std::vector<std::int64_t> v;
  for (double d : spread(n, static_cast<double>(lo), static_cast<double>(hi), seed)) {
    v.push_back(static_cast<std::int64_t>(std::floor(d)));
  }
  return v;
}

struct TeamScope {
  ~TeamScope() { cpu::native::set_team_size(0); }
};

// Runs f on one thread and on two, on args and on args with args[0] negated (in that
// order, so that a buffer one run gets back from the allocator holds the other's
// values); each result must be the interpreter's bit for bit.
void same_on_one_and_two(const std::vector<Variable>& ins, const std::vector<Variable>& outs,
                         const std::vector<Array>& args, const std::string& what) {
  const TeamScope reset;
  std::vector<Array> other = args;
  std::vector<double> negated = args[0].to_vector<double>();
  for (double& x : negated) x = -x - 1;
  other[0] = Array::from_vector(negated, args[0].shape()).astype(args[0].dtype());
  Function cpu = compile_on("cpu", ins, outs);
  Function ref = compile_on("interp", ins, outs);
  for (int team : {1, 2}) {
    cpu::native::set_team_size(team);
    for (const std::vector<Array>* in : {static_cast<const std::vector<Array>*>(&other), &args}) {
      const std::vector<Array> want = ref(*in), got = cpu(*in);
      for (std::size_t i = 0; i < outs.size(); ++i) {
        expect_identical(got[i], want[i], what + (in == &args ? "" : " negated") + " on " + std::to_string(team) +
                                              " thread(s), output " + std::to_string(i));
      }
    }
  }
}

TEST(NativeThreads, CrossEntropyRows) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  // 601 rows of 100 logits (above the threshold), edge rows included, a strided and a
  // 3-d logits array, float32 and float64.
  for (DType t : {DType::float32, DType::float64}) {
    std::vector<double> v = spread(601 * 100, -30, 30, 3);
    v[5] = std::numeric_limits<double>::infinity();
    v[300 * 100 + 7] = std::numeric_limits<double>::quiet_NaN();
    for (int j = 0; j < 100; ++j) v[static_cast<std::size_t>(400 * 100 + j)] = -std::numeric_limits<double>::infinity();
    const Array logits = Array::from_vector(v, {601, 100}).astype(t);
    const Array targets = Array::from_vector(indices(601, 0, 100, 4), {601});
    Variable x = matrix("x", t);
    Variable y = vector("y", DType::int64);
    same_on_one_and_two({x, y}, {softmax_cross_entropy(x, y)}, {logits, targets}, "2-d " + std::string(dtype_name(t)));
    const Array wide = Array::from_vector(spread(601 * 200, -5, 5, 5), {601, 200}).astype(t).slice(1, 0, 200, 2);
    same_on_one_and_two({x, y}, {softmax_cross_entropy(x, y)}, {wide, targets}, "strided");
    Variable x3 = tensor3("x3", t);
    Variable y2 = matrix("y2", DType::int64);
    const Array l3 = Array::from_vector(spread(7 * 91 * 60, -5, 5, 6), {7, 91, 60}).astype(t).transpose({1, 0, 2});
    const Array t2 = Array::from_vector(indices(91 * 7, 0, 60, 7), {91, 7});
    same_on_one_and_two({x3, y2}, {softmax_cross_entropy(x3, y2)}, {l3, t2}, "3-d transposed");
  }
}

TEST(NativeThreads, TakeAlongEachAxis) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  // Rows of a matrix (axis 0, memcpy blocks), single elements (a vector; axis 1 of a
  // matrix), negative indices, a 2-d index array; every one above the threshold.
  Variable m = matrix("m", DType::float32);
  Variable v = vector("v", DType::float64);
  Variable i = vector("i", DType::int64);
  Variable i2 = matrix("i2", DType::int64);
  const Array mat = Array::from_vector(spread(1000 * 300, -1, 1, 1), {1000, 300}).astype(DType::float32);
  const Array vec = Array::from_vector(spread(300000, -1, 1, 2), {300000});
  same_on_one_and_two({m, i}, {take(m, i, 0)}, {mat, Array::from_vector(indices(2001, -1000, 1000, 3), {2001})},
                      "rows");
  same_on_one_and_two({v, i}, {take(v, i, 0)}, {vec, Array::from_vector(indices(250001, -300000, 300000, 4), {250001})},
                      "elements");
  same_on_one_and_two({m, i}, {take(m, i, 1)}, {mat, Array::from_vector(indices(601, -300, 300, 5), {601})},
                      "axis 1");
  same_on_one_and_two({m, i2}, {take(m, i2, 0)}, {mat, Array::from_vector(indices(3 * 700, 0, 1000, 6), {3, 700})},
                      "2-d indices");
}

// A bad index in the last part (the second thread's) raises as on one thread.
TEST(NativeThreads, TakeOutOfRangeInTheSecondPartRaises) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  const TeamScope reset;
  Variable m = matrix("m", DType::float32);
  Variable i = vector("i", DType::int64);
  const Array mat = Array::from_vector(spread(1000 * 300, -1, 1, 1), {1000, 300}).astype(DType::float32);
  std::vector<std::int64_t> idx = indices(2001, 0, 1000, 3);
  idx[1999] = 1000;
  Function f = compile_on("cpu", {m, i}, {take(m, i, 0)});
  for (int team : {1, 2}) {
    cpu::native::set_team_size(team);
    try {
      f({mat, Array::from_vector(idx, {2001})});
      ADD_FAILURE() << "no error on " << team << " thread(s)";
    } catch (const IndexError& e) {
      EXPECT_NE(std::string(e.what()).find("index 1000 is out of bounds for axis 0 with size 1000"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace hypatia
