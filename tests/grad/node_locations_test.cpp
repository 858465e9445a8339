// Nodes that the library builds for the user (symbolic shapes, slice bounds, reshape's
// -1, gradients) carry the user's line, never a line of the library: an error or a
// profile row about them must point at the user's code. Each graph is walked whole and
// every node's location checked, as built and as FAST_RUN rewrote it (the rewrites ask
// ops for symbolic shapes, which build nodes too).
#include <string>
#include <vector>

#include "hypatia/hypatia.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void expect_user_locations(const std::vector<Variable>& outputs, const std::string& what) {
  int checked = 0;
  for (const auto& node : topological_order(outputs)) {
    const std::string file = node->where().file_name();
    EXPECT_TRUE(ends_with(file, "node_locations_test.cpp"))
        << what << ": node " << node->op().name << " says " << file << ":" << node->where().line();
    ++checked;
  }
  EXPECT_GT(checked, 0) << what;
}

TEST(NodeLocations, SymbolicBroadcastShapesNameTheUser) {
  // Two unknown sizes meet: the broadcast size is where(a == 1, b, a), built by the
  // library (op_util's broadcast_symbolic) when the gradient needs it.
  const Variable x = matrix("x", DType::float64), y = matrix("y", DType::float64);
  const Variable cost = sum(x * y);
  expect_user_locations(grad(cost, {x, y}), "broadcast gradient");
}

TEST(NodeLocations, SliceBoundsAndReshapeNameTheUser) {
  const Variable x = vector("x", DType::float64);
  const Variable s = scalar("s", DType::int64);
  const Variable part = x[{slice(s, none)}];
  expect_user_locations({part}, "slice with a symbolic start");
  expect_user_locations({grad(sum(part), x)}, "gradient of the slice");
  const Variable m = matrix("m", DType::float64);
  expect_user_locations({reshape(m, {Operand(s), Operand(-1)})}, "reshape with -1");
}

// The outputs of a FAST_RUN function (on the interpreter: no compiler needed).
std::vector<Variable> rewritten(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs) {
  Mode m;
  m.linker = "interp";
  return function(inputs, outputs, m).compiled_outputs();
}

TEST(NodeLocations, MlpGradientNamesTheUser) {
  const Variable x = matrix("x", DType::float32), w = matrix("w", DType::float32), b = vector("b", DType::float32);
  const Variable cost = mean(sqr(tanh(dot(x, w) + b)));
  const std::vector<Variable> grads = grad(cost, {w, b});
  expect_user_locations(grads, "MLP gradient");
  expect_user_locations(rewritten({x, w, b}, grads), "MLP gradient rewritten");
}

TEST(NodeLocations, RewrittenSliceAndReshapeNameTheUser) {
  const Variable x = vector("x", DType::float64), m = matrix("m", DType::float64);
  const Variable s = scalar("s", DType::int64);
  const Variable part = x[{slice(s, none)}];
  const std::vector<Variable> outs = {grad(sum(part * part), x), reshape(m, {Operand(s), Operand(-1)}) * 2.0};
  expect_user_locations(rewritten({x, m, s}, outs), "slice and reshape rewritten");
}

}  // namespace
}  // namespace hypatia
