// Small owned buffers live in one allocation with their Buffer and its control block,
// and borrowed ones share theirs with the control block (array.cpp): every size must
// stay usable and aligned, and the memory must go when the last owner does (ASan and
// LeakSanitizer check the frees).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "hypatia/array.hpp"

namespace hypatia {
namespace {

bool aligned64(const std::byte* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }

TEST(BufferInline, EverySmallSizeIsAlignedAndUsable) {
  std::vector<std::shared_ptr<Buffer>> kept;  // alive together: no block is reused under another
  for (std::size_t size = 0; size <= 4200; size += (size < 130 ? 1 : 61)) {
    std::shared_ptr<Buffer> b = Buffer::allocate(size);
    ASSERT_TRUE(aligned64(b->data())) << size;
    EXPECT_EQ(b->nbytes(), size);
    EXPECT_TRUE(b->owned());
    EXPECT_EQ(b->device(), Device::cpu);
    std::memset(b->data(), static_cast<int>(size % 251), size);  // ASan: the whole size is ours
    kept.push_back(std::move(b));
  }
  for (const auto& b : kept) {
    const auto want = static_cast<std::byte>(b->nbytes() % 251);
    for (std::size_t i = 0; i < b->nbytes(); ++i) ASSERT_EQ(b->data()[i], want) << b->nbytes() << " at " << i;
  }
}

TEST(BufferInline, SizesAroundTheInlineLimit) {
  for (std::size_t size : {std::size_t(4095), std::size_t(4096), std::size_t(4097), std::size_t(65536)}) {
    const std::shared_ptr<Buffer> b = Buffer::allocate(size);
    ASSERT_TRUE(aligned64(b->data()));
    std::memset(b->data(), 7, size);
    EXPECT_EQ(b->data()[size - 1], std::byte{7});
  }
}

TEST(BufferInline, SharedOwnershipKeepsTheDataAlive) {
  std::shared_ptr<Buffer> a = Buffer::allocate(40);
  std::memset(a->data(), 5, 40);
  const std::shared_ptr<Buffer> b = a;
  EXPECT_EQ(a.use_count(), 2);
  a.reset();
  EXPECT_EQ(b.use_count(), 1);
  for (std::size_t i = 0; i < 40; ++i) EXPECT_EQ(b->data()[i], std::byte{5});
}

TEST(BufferInline, BorrowedMemoryIsNeitherCopiedNorFreed) {
  std::vector<float> mine = {1.0f, 2.0f, 3.0f};
  {
    const std::shared_ptr<Buffer> b = Buffer::borrow(mine.data(), sizeof(float) * 3);
    EXPECT_FALSE(b->owned());
    EXPECT_EQ(b->data(), reinterpret_cast<std::byte*>(mine.data()));
    EXPECT_EQ(b->nbytes(), sizeof(float) * 3);
    const Array view = Array::view_of(b, DType::float32, {3}, {4}, 0);
    EXPECT_EQ(view.to_vector<float>(), mine);
  }
  mine[0] = 9.0f;  // still ours (ASan: not freed by the buffer)
  EXPECT_EQ(mine[0], 9.0f);
}

TEST(BufferInline, ArraysOfSmallBuffersOutliveTheirCopies) {
  std::vector<Array> arrays;
  for (int n = 0; n < 40; ++n) {
    Array a = Array::empty(DType::float64, {n});
    for (int i = 0; i < n; ++i) a.data_as<double>()[i] = n + 0.5 * i;
    arrays.push_back(a.slice(0, 0, n, 1));  // a view: shares the buffer
  }
  for (int n = 0; n < 40; ++n) {
    const std::vector<double> got = arrays[static_cast<std::size_t>(n)].to_vector<double>();
    ASSERT_EQ(got.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], n + 0.5 * i);
  }
}

}  // namespace
}  // namespace hypatia
