// The registry walk: every registered op declares every part of the op contract.
#include <gtest/gtest.h>

#include "graph/op.hpp"

namespace hypatia {
namespace {

// The ops the core issue requires; the walk also checks every other registered op.
const char* const kRequiredOps[] = {
    "add", "mul", "exp", "eq", "where", "cast", "shape_i",
};

TEST(Registry, EveryOpHasEveryPart) {
  for (const OpDef* op : OpRegistry::get().all()) {
    SCOPED_TRACE(op->name);
    EXPECT_FALSE(op->summary.empty()) << "summary";
    EXPECT_TRUE(static_cast<bool>(op->infer)) << "type inference";
    EXPECT_TRUE(static_cast<bool>(op->shape)) << "shape inference";
    EXPECT_TRUE(static_cast<bool>(op->reference)) << "reference kernel";
    EXPECT_TRUE(op->lowering.has_value()) << "lowering";
    EXPECT_TRUE(op->aliasing.has_value()) << "aliasing facts";
    if (op->lowering && op->lowering->kind == Lowering::Kind::scalar) {
      EXPECT_TRUE(op->has(kElementwise)) << "lowers to a scalar primitive but is not elementwise";
    }
  }
}

TEST(Registry, RequiredOpsAreRegistered) {
  for (const char* name : kRequiredOps) EXPECT_NE(OpRegistry::get().find(name), nullptr) << name;
}

}  // namespace
}  // namespace hypatia
