// Buffer::allocate keeps freed blocks of 1 MiB and more for the next allocation of
// about their size (no fresh pages to fault in for each call's large output).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "hypatia/array.hpp"

namespace hypatia {
namespace {

TEST(BufferCache, FreedLargeBlockIsReusedForASimilarSize) {
  constexpr std::size_t kSize = std::size_t(3) << 20;
  const std::byte* first = nullptr;
  {
    const std::shared_ptr<Buffer> a = Buffer::allocate(kSize);
    first = a->data();
    std::memset(a->data(), 1, kSize);
  }
  const std::shared_ptr<Buffer> b = Buffer::allocate(kSize - 100);
  EXPECT_EQ(b->data(), first);
  EXPECT_EQ(b->nbytes(), kSize - 100);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b->data()) % 64, 0u);
  std::memset(b->data(), 2, b->nbytes());  // the whole size is usable (ASan checks it)
  // Less than half the kept block: a block of its own.
  const std::shared_ptr<Buffer> c = Buffer::allocate(kSize / 4);
  EXPECT_NE(c->data(), first);
}

TEST(BufferCache, SmallAndHugeBlocksAndThreads) {
  for (std::size_t size : {std::size_t(0), std::size_t(1), std::size_t(1000), (std::size_t(1) << 20) - 1,
                           std::size_t(300) << 20}) {
    const std::shared_ptr<Buffer> a = Buffer::allocate(size);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a->data()) % 64, 0u);
    if (size > 0) {
      std::memset(a->data(), 3, std::min<std::size_t>(size, std::size_t(1) << 20));
      a->data()[size - 1] = std::byte{3};
    }
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 50; ++i) {
        const std::size_t size = (std::size_t(1) << 20) + std::size_t(t * 4096 + i * 64);
        const std::shared_ptr<Buffer> a = Buffer::allocate(size);
        std::memset(a->data(), t, size);
        EXPECT_EQ(static_cast<int>(a->data()[size - 1]), t);
      }
    });
  }
  for (std::thread& th : threads) th.join();
}

}  // namespace
}  // namespace hypatia
