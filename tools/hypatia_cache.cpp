// hypatia-cache: shows and cleans the cpu backend's module cache.
//
//   hypatia-cache list  [--dir D]   entries (key, size, age, kernel names) and totals
//   hypatia-cache clear [--dir D]   removes the entries
//
// D defaults to the cache the library uses (compiledir= in HYPATIA_FLAGS, else
// $XDG_CACHE_HOME/hypatia, else ~/.cache/hypatia). `python3 -m hypatia.cache` is the
// same command from the Python package.
#include <cstdio>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

#include "backend/cpu/compiler.hpp"

namespace {

std::string format_size(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB"};
  double n = static_cast<double>(bytes);
  int u = 0;
  while (n >= 1024 && u < 3) {
    n /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", n, units[u]);
  }
  return buf;
}

std::string format_age(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  const struct {
    std::int64_t limit;
    const char* unit;
    std::int64_t size;
  } steps[] = {{120, "s", 1}, {7200, "min", 60}, {172800, "h", 3600}};
  for (const auto& s : steps) {
    if (seconds < s.limit) return std::to_string(seconds / s.size) + " " + s.unit;
  }
  return std::to_string(seconds / 86400) + " d";
}

int usage() {
  std::fprintf(stderr, "usage: hypatia-cache list|clear [--dir DIR]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command, dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a.rfind("--dir=", 0) == 0) {
      dir = a.substr(6);
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else if (command.empty() && (a == "list" || a == "clear")) {
      command = a;
    } else {
      return usage();
    }
  }
  if (command.empty()) return usage();
  try {
    if (dir.empty()) dir = hypatia::cpu::default_compiledir();
    if (command == "clear") {
      const std::size_t n = hypatia::cpu::clear_cache(dir);
      std::printf("removed %zu %s from %s\n", n, n == 1 ? "entry" : "entries", dir.c_str());
      return 0;
    }
    const std::vector<hypatia::cpu::CacheEntry> entries = hypatia::cpu::list_cache(dir);
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    std::printf("module cache %s\n", dir.c_str());
    if (!entries.empty()) std::printf("%-32s  %10s  %7s  kernels (or first line)\n", "key", "size", "age");
    std::uint64_t total = 0;
    for (const hypatia::cpu::CacheEntry& e : entries) {
      std::printf("%-32s  %10s  %7s  %s%s\n", e.key.c_str(), format_size(e.bytes).c_str(),
                  format_age(now - e.created).c_str(), e.summary.c_str(), e.complete ? "" : " [incomplete]");
      total += e.bytes;
    }
    std::printf("%zu %s, %s\n", entries.size(), entries.size() == 1 ? "entry" : "entries", format_size(total).c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hypatia-cache: %s\n", e.what());
    return 1;
  }
  return 0;
}
