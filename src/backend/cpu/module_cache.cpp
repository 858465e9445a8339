#include "backend/cpu/module_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <random>

#include "backend/cpu/compiler.hpp"

namespace hypatia::cpu {
namespace detail {
namespace {

constexpr std::uint64_t kMulA = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kMulB = 0xc2b2ae3d27d4eb4fULL;

std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// MurmurHash3's finalizer: every input bit reaches every output bit.
std::uint64_t fmix(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

std::string errno_text() { return std::strerror(errno); }

bool is_key(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

void Hasher::word(std::uint64_t w) {
  a_ = rotl(a_ ^ (w * kMulA), 31) * kMulB;
  b_ = rotl(b_ + (w ^ (w >> 29)) * kMulB, 27) * kMulA + a_;
}

void Hasher::update(std::string_view data) {
  length_ += data.size();
  std::size_t i = 0;
  while (tail_size_ != 0 && tail_size_ < 8 && i < data.size()) tail_[tail_size_++] = static_cast<unsigned char>(data[i++]);
  if (tail_size_ == 8) {
    std::uint64_t w;
    std::memcpy(&w, tail_, 8);
    word(w);
    tail_size_ = 0;
  }
  for (; i + 8 <= data.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data.data() + i, 8);
    word(w);
  }
  while (i < data.size()) tail_[tail_size_++] = static_cast<unsigned char>(data[i++]);
}

void Hasher::field(std::string_view data) {
  const std::uint64_t n = data.size();
  update(std::string_view(reinterpret_cast<const char*>(&n), sizeof n));
  update(data);
}

std::string Hasher::hex() const {
  std::uint64_t a = a_, b = b_;
  std::uint64_t w = 0;
  std::memcpy(&w, tail_, tail_size_);
  a = rotl(a ^ (w * kMulA), 31) * kMulB;
  b = rotl(b + (w ^ (w >> 29)) * kMulB, 27) * kMulA + a;
  a ^= length_;
  b ^= rotl(length_, 32);
  a = fmix(a + b);
  b = fmix(b + a);
  static const char* digits = "0123456789abcdef";
  std::string s(32, '0');
  for (int i = 0; i < 16; ++i) {
    s[15 - i] = digits[(a >> (4 * i)) & 15];
    s[31 - i] = digits[(b >> (4 * i)) & 15];
  }
  return s;
}

std::string hash_hex(std::string_view data) {
  Hasher h;
  h.update(data);
  return h.hex();
}

std::optional<std::string> hypatia_flag(const std::string& name) {
  const char* env = std::getenv("HYPATIA_FLAGS");
  if (env == nullptr) return std::nullopt;
  std::optional<std::string> found;
  const std::string_view text(env);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    std::string_view entry = text.substr(start, end - start);
    const std::size_t eq = entry.find('=');
    if (eq != std::string_view::npos) {
      auto trim = [](std::string_view s) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        return s;
      };
      if (trim(entry.substr(0, eq)) == name) found = std::string(trim(entry.substr(eq + 1)));
    }
    start = end + 1;
  }
  return found;
}

void ensure_private_dir(const std::string& dir) {
  if (dir.empty()) throw CompileError("the module cache directory is an empty path");
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    // Missing parents get 0700 too: they are new, nobody else needs them.
    for (std::size_t slash = dir.find('/', 1); slash != std::string::npos; slash = dir.find('/', slash + 1)) {
      const std::string parent = dir.substr(0, slash);
      if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) {
        throw CompileError("cannot create the module cache directory '" + dir + "': " + parent + ": " + errno_text());
      }
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      throw CompileError("cannot create the module cache directory '" + dir + "': " + errno_text());
    }
    if (::stat(dir.c_str(), &st) != 0) {
      throw CompileError("cannot use the module cache directory '" + dir + "': " + errno_text());
    }
  }
  if (!S_ISDIR(st.st_mode)) {
    throw CompileError("the module cache directory '" + dir + "' exists and is not a directory");
  }
  if (st.st_uid != ::geteuid()) {
    throw CompileError("refusing the module cache directory '" + dir + "': it belongs to user id " +
                       std::to_string(st.st_uid) + ", not to you (" + std::to_string(::geteuid()) +
                       "), and the cache holds code that is loaded and run; set compiledir to a directory of yours");
  }
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
    throw CompileError("the module cache directory '" + dir + "' is open to other users and cannot be made private: " +
                       errno_text());
  }
}

std::optional<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string data;
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) data.reserve(static_cast<std::size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

std::string temp_path(const std::string& dir, const std::string& key, const std::string& suffix) {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t salt = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  const std::uint64_t r = fmix(salt + counter.fetch_add(1) * kMulA);
  return dir + "/.tmp-" + key + "-" + std::to_string(::getpid()) + "-" + hash_hex(std::to_string(r)).substr(0, 12) +
         suffix;
}

bool write_new_file(const std::string& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0;
}

std::string format_meta(const EntryMeta& m) {
  return "hypatia-module 1\nso_size=" + std::to_string(m.so_size) + "\nso_hash=" + m.so_hash +
         "\ncompiler=" + m.compiler + "\nflags=" + m.flags + "\ncreated=" + std::to_string(m.created) + "\nend\n";
}

std::optional<EntryMeta> parse_meta(std::string_view text) {
  std::map<std::string, std::string, std::less<>> fields;
  bool header = false, end = false;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;  // a complete file ends with a newline
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (!header) {
      if (line != "hypatia-module 1") return std::nullopt;
      header = true;
    } else if (line == "end") {
      end = true;
      break;
    } else {
      const std::size_t eq = line.find('=');
      if (eq == std::string_view::npos) return std::nullopt;
      fields[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
  }
  if (!end || !text.empty()) return std::nullopt;
  for (const char* f : {"so_size", "so_hash", "compiler", "flags", "created"}) {
    if (fields.find(f) == fields.end()) return std::nullopt;
  }
  EntryMeta m;
  char* stop = nullptr;
  const std::string& size = fields["so_size"];
  m.so_size = std::strtoull(size.c_str(), &stop, 10);
  if (size.empty() || *stop != '\0') return std::nullopt;
  m.so_hash = fields["so_hash"];
  if (!is_key(m.so_hash)) return std::nullopt;
  m.compiler = fields["compiler"];
  m.flags = fields["flags"];
  m.created = std::strtoll(fields["created"].c_str(), nullptr, 10);
  return m;
}

std::string entry_path(const std::string& dir, const std::string& key, const char* suffix) {
  return dir + "/" + key + suffix;
}

std::string check_entry(const std::string& dir, const std::string& key, const std::string& compiler,
                        const std::string& flags) {
  const std::optional<std::string> text = read_file(entry_path(dir, key, ".meta"));
  if (!text) return "missing";
  const std::optional<EntryMeta> meta = parse_meta(*text);
  if (!meta) return "its meta file is malformed";
  if (meta->compiler != compiler || meta->flags != flags) return "its meta file names another compiler or flags";
  const std::optional<std::string> so = read_file(entry_path(dir, key, ".so"));
  if (!so) return "its .so cannot be read";
  if (so->size() != meta->so_size) {
    return "its .so has " + std::to_string(so->size()) + " bytes, its meta says " + std::to_string(meta->so_size);
  }
  if (hash_hex(*so) != meta->so_hash) return "its .so does not match the hash in its meta file";
  return "";
}

void remove_entry(const std::string& dir, const std::string& key) {
  ::unlink(entry_path(dir, key, ".meta").c_str());
  ::unlink(entry_path(dir, key, ".so").c_str());
}

}  // namespace detail

namespace {

// The kernel names of a module (its extern "C" definitions), else its first line.
std::string summarize_source(const std::string& source) {
  std::string names;
  const std::string marker = "extern \"C\"";
  for (std::size_t at = source.find(marker); at != std::string::npos; at = source.find(marker, at + 1)) {
    const std::size_t paren = source.find('(', at);
    const std::size_t nl = source.find('\n', at);
    if (paren == std::string::npos || (nl != std::string::npos && nl < paren)) continue;
    std::size_t b = paren;
    while (b > at && source[b - 1] == ' ') --b;
    std::size_t a = b;
    while (a > at && (std::isalnum(static_cast<unsigned char>(source[a - 1])) || source[a - 1] == '_')) --a;
    if (a < b) names += (names.empty() ? "" : " ") + source.substr(a, b - a);
  }
  if (names.empty()) {
    std::size_t start = 0;
    while (start < source.size()) {
      const std::size_t nl = std::min(source.find('\n', start), source.size());
      if (nl > start) {
        names = source.substr(start, nl - start);
        break;
      }
      start = nl + 1;
    }
  }
  if (names.size() > 72) names = names.substr(0, 69) + "...";
  return names;
}

std::string resolve_dir(const std::string& dir) { return dir.empty() ? default_compiledir() : dir; }

// Names in the cache directory that belong to the cache: "<key>.so|.meta|.cpp",
// "failed-<key>.cpp", ".tmp-<key>-...". Returns the key, or "" for a foreign file.
std::string key_of(const std::string& name, bool* temporary) {
  *temporary = false;
  if (name.rfind(".tmp-", 0) == 0 && name.size() > 5 + 32 && detail::is_key(std::string_view(name).substr(5, 32))) {
    *temporary = true;
    return name.substr(5, 32);
  }
  std::string_view n = name;
  if (n.rfind("failed-", 0) == 0) n.remove_prefix(7);
  if (n.size() < 32 || !detail::is_key(n.substr(0, 32))) return "";
  const std::string_view suffix = n.substr(32);
  if (suffix == ".so" || suffix == ".meta" || suffix == ".cpp") return std::string(n.substr(0, 32));
  return "";
}

template <class F>
void for_each_file(const std::string& dir, F&& f) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* e = ::readdir(d)) f(std::string(e->d_name));
  ::closedir(d);
}

}  // namespace

std::vector<CacheEntry> list_cache(const std::string& dir_in) {
  const std::string dir = resolve_dir(dir_in);
  std::map<std::string, CacheEntry> by_key;
  for_each_file(dir, [&](const std::string& name) {
    bool temporary = false;
    const std::string key = key_of(name, &temporary);
    if (key.empty() || temporary || name.rfind("failed-", 0) == 0) return;
    struct stat st;
    if (::stat((dir + "/" + name).c_str(), &st) != 0) return;
    CacheEntry& e = by_key[key];
    e.key = key;
    e.bytes += static_cast<std::uint64_t>(st.st_size);
    if (e.created == 0 || st.st_mtime < e.created) e.created = st.st_mtime;
  });
  std::vector<CacheEntry> out;
  for (auto& [key, e] : by_key) {
    const std::optional<std::string> meta_text = detail::read_file(detail::entry_path(dir, key, ".meta"));
    const std::optional<detail::EntryMeta> meta = meta_text ? detail::parse_meta(*meta_text) : std::nullopt;
    struct stat st;
    if (meta) {
      e.created = meta->created;
      e.complete = ::stat(detail::entry_path(dir, key, ".so").c_str(), &st) == 0 &&
                   static_cast<std::uint64_t>(st.st_size) == meta->so_size;
    }
    if (const std::optional<std::string> source = detail::read_file(detail::entry_path(dir, key, ".cpp"))) {
      e.summary = summarize_source(*source);
    }
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const CacheEntry& a, const CacheEntry& b) { return a.created < b.created; });
  return out;
}

std::size_t clear_cache(const std::string& dir_in) {
  const std::string dir = resolve_dir(dir_in);
  std::map<std::string, bool> keys;
  const std::time_t now = std::time(nullptr);
  std::vector<std::string> doomed;
  for_each_file(dir, [&](const std::string& name) {
    bool temporary = false;
    const std::string key = key_of(name, &temporary);
    if (key.empty()) return;
    if (temporary) {
      // A young temporary file may belong to a compile in progress in another process.
      struct stat st;
      if (::stat((dir + "/" + name).c_str(), &st) != 0 || now - st.st_mtime < 60) return;
    } else if (name.rfind("failed-", 0) != 0) {
      keys[key] = true;
    }
    doomed.push_back(name);
  });
  for (const std::string& name : doomed) ::unlink((dir + "/" + name).c_str());
  return keys.size();
}

}  // namespace hypatia::cpu
