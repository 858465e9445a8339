// The on-disk side of the module cache: keys, the private directory, and entries
// written by rename and checked on load (compiler.hpp describes the layout). The
// compiler driver (compiler.cpp) decides when to compile; this file only reads and
// writes files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hypatia::cpu::detail {

// A 128-bit non-cryptographic hash (two 64-bit multiply-rotate lanes), fast enough to
// hash a module's source and its .so on every cold start. Good against accidental
// collisions, not against an adversary: the cache directory is private for that.
class Hasher {
 public:
  void update(std::string_view data);
  // A field of a composite key: its length first, so that ("ab","c") != ("a","bc").
  void field(std::string_view data);
  std::string hex() const;  // 32 hex digits

 private:
  void word(std::uint64_t w);
  std::uint64_t a_ = 0x6c62272e07bb0142ULL;
  std::uint64_t b_ = 0x62b821756295c58dULL;
  std::uint64_t length_ = 0;
  unsigned char tail_[8] = {};
  std::size_t tail_size_ = 0;
};

std::string hash_hex(std::string_view data);

// Comma-separated name=value pairs in the environment variable HYPATIA_FLAGS: the
// value of `name`, or nullopt.
std::optional<std::string> hypatia_flag(const std::string& name);

// Creates `dir` (and missing parents) with mode 0700, or checks the existing one: a
// directory we own with group or other permissions is made private; one that another
// user owns, or that is not a directory, is a CompileError.
void ensure_private_dir(const std::string& dir);

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);
// A fresh name in `dir` for a temporary file of entry `key`: ".tmp-<key>-<pid>-<random><suffix>".
std::string temp_path(const std::string& dir, const std::string& key, const std::string& suffix);
// Writes `data` to a new file at `path` (exclusive create, mode 0600); false on error.
bool write_new_file(const std::string& path, std::string_view data);

// What a <key>.meta file records.
struct EntryMeta {
  std::uint64_t so_size = 0;
  std::string so_hash;
  std::string compiler;  // the compiler's identity
  std::string flags;     // space-separated
  std::int64_t created = 0;
};
std::string format_meta(const EntryMeta& meta);
std::optional<EntryMeta> parse_meta(std::string_view text);

std::string entry_path(const std::string& dir, const std::string& key, const char* suffix);  // dir/key.suffix

// Checks the entry `key` of `dir` against its meta (size and hash of the .so, and the
// expected compiler and flags). Returns "" when it is sound, "missing" when it has no
// meta (absent or unfinished), else why it is damaged.
std::string check_entry(const std::string& dir, const std::string& key, const std::string& compiler,
                        const std::string& flags);
// Removes the entry's .so and .meta (the kept source stays, it is rewritten anyway).
void remove_entry(const std::string& dir, const std::string& key);

}  // namespace hypatia::cpu::detail
