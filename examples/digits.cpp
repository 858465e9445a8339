// README command (1)'s demo: an MLP (64 -> 256 relu -> 10 softmax) trained with Adam on
// the 1,797 handwritten 8x8 digits that Debian's python3-sklearn ships (a gzipped CSV:
// 64 pixel values 0..16, then the label), 360 of them held out. One line per epoch
// (loss, accuracy, time) behind a progress bar; ~98% held-out accuracy in seconds.
// Without the data file it says so and trains on a synthetic 10-class task instead.
// examples/digits.py is the same program in Python, with the same split and
// initialization (the same SplitMix64 draws).
//
//   digits [--data PATH] [--epochs N] [--hidden N] [--seed N] [--synthetic]
//          [--min-accuracy A]    (exit status 1 when the held-out accuracy is below A)
#include <hypatia/hypatia.hpp>
#include <hypatia/optim.hpp>
#include <hypatia/shared.hpp>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace hp = hypatia;

namespace {

constexpr const char* kDigitsPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
constexpr int kFeatures = 64;
constexpr int kClasses = 10;
constexpr int kHeldOut = 360;

// SplitMix64 (Steele et al.): tiny, and easy to repeat exactly in Python.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  // Fisher-Yates from the end.
  std::vector<std::size_t> permutation(std::size_t n) {
    std::vector<std::size_t> p(n);
    std::iota(p.begin(), p.end(), 0);
    for (std::size_t i = n; i-- > 1;) std::swap(p[i], p[next() % (i + 1)]);
    return p;
  }
};

struct Dataset {
  std::vector<double> x;  // n x kFeatures, row-major
  std::vector<std::int64_t> y;
  std::size_t size() const { return y.size(); }
};

// The digits CSV through zlib: 65 comma-separated integers a line.
std::optional<Dataset> read_digits(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return std::nullopt;
  Dataset d;
  char line[1024];
  while (gzgets(f, line, sizeof line) != nullptr) {
    std::stringstream row(line);
    std::string cell;
    std::vector<double> values;
    while (std::getline(row, cell, ',')) values.push_back(std::atof(cell.c_str()));
    if (values.size() != kFeatures + 1) continue;
    for (int j = 0; j < kFeatures; ++j) d.x.push_back(values[static_cast<std::size_t>(j)] / 16.0);
    d.y.push_back(static_cast<std::int64_t>(values.back()));
  }
  gzclose(f);
  if (d.size() == 0) return std::nullopt;
  return d;
}

// 1,797 points around 10 random centers in [0, 1]^64, each pixel jittered by up to
// +-0.6: separable, but not trivially.
Dataset synthetic_task(Rng& rng) {
  std::vector<double> centers(kClasses * kFeatures);
  for (double& c : centers) c = rng.uniform();
  Dataset d;
  for (int i = 0; i < 1797; ++i) {
    const int label = i % kClasses;
    for (int j = 0; j < kFeatures; ++j) {
      d.x.push_back(centers[static_cast<std::size_t>(label * kFeatures + j)] + 1.2 * (rng.uniform() - 0.5));
    }
    d.y.push_back(label);
  }
  return d;
}

// Rows `rows` of d as a batch.
std::pair<hp::Array, hp::Array> batch(const Dataset& d, const std::vector<std::size_t>& rows) {
  std::vector<double> x;
  std::vector<std::int64_t> y;
  for (std::size_t r : rows) {
    x.insert(x.end(), d.x.begin() + static_cast<std::ptrdiff_t>(r * kFeatures),
             d.x.begin() + static_cast<std::ptrdiff_t>((r + 1) * kFeatures));
    y.push_back(d.y[r]);
  }
  return {hp::Array::from_vector(x, {static_cast<std::int64_t>(rows.size()), kFeatures}), hp::Array::from_vector(y)};
}

// Standardizes every pixel by the training set's mean and deviation (+0.1, for the
// border pixels that are almost always 0).
void standardize(Dataset& train, Dataset& test) {
  for (int j = 0; j < kFeatures; ++j) {
    double mean = 0, sq = 0;
    for (std::size_t i = 0; i < train.size(); ++i) mean += train.x[i * kFeatures + static_cast<std::size_t>(j)];
    mean /= static_cast<double>(train.size());
    for (std::size_t i = 0; i < train.size(); ++i) {
      const double v = train.x[i * kFeatures + static_cast<std::size_t>(j)] - mean;
      sq += v * v;
    }
    const double scale = std::sqrt(sq / static_cast<double>(train.size())) + 0.1;
    for (Dataset* d : {&train, &test}) {
      for (std::size_t i = 0; i < d->size(); ++i) {
        double& v = d->x[i * kFeatures + static_cast<std::size_t>(j)];
        v = (v - mean) / scale;
      }
    }
  }
}

// Glorot's uniform initialization.
hp::Array glorot(Rng& rng, int fan_in, int fan_out) {
  const double limit = std::sqrt(6.0 / (fan_in + fan_out));
  std::vector<double> w(static_cast<std::size_t>(fan_in * fan_out));
  for (double& v : w) v = (2 * rng.uniform() - 1) * limit;
  return hp::Array::from_vector(w, {fan_in, fan_out});
}

std::string bar(std::size_t done, std::size_t total, int width = 30) {
  const int filled =
      static_cast<int>(static_cast<double>(width) * static_cast<double>(done) / static_cast<double>(total));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

struct Options {
  std::string data = kDigitsPath;
  int epochs = 10;
  int hidden = 256;
  std::uint64_t seed = 0;
  bool synthetic = false;
  double min_accuracy = 0;
};

Options parse(int argc, char** argv) {
  Options o;
  if (const char* env = std::getenv("HYPATIA_DIGITS"); env != nullptr && *env != '\0') o.data = env;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "digits: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--data")
      o.data = value();
    else if (a == "--epochs")
      o.epochs = std::stoi(value());
    else if (a == "--hidden")
      o.hidden = std::stoi(value());
    else if (a == "--seed")
      o.seed = std::stoull(value());
    else if (a == "--min-accuracy")
      o.min_accuracy = std::stod(value());
    else if (a == "--synthetic")
      o.synthetic = true;
    else {
      std::cerr
          << "usage: digits [--data PATH] [--epochs N] [--hidden N] [--seed N] [--synthetic] [--min-accuracy A]\n";
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  Rng rng{opt.seed};
  std::optional<Dataset> all;
  if (!opt.synthetic) all = read_digits(opt.data);
  if (all) {
    std::cout << "digits: " << all->size() << " handwritten 8x8 digits from " << opt.data << "\n";
  } else {
    if (!opt.synthetic) {
      std::cout << "digits: no data file at " << opt.data
                << " (Debian's python3-sklearn ships it); training on a synthetic task instead\n";
    }
    all = synthetic_task(rng);
    std::cout << "digits: synthetic task, " << all->size() << " points of 64 features in 10 classes\n";
  }

  // A seeded split: kHeldOut points held out, the rest to train on.
  Dataset train, test;
  const std::vector<std::size_t> order = rng.permutation(all->size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    Dataset& d = k < kHeldOut ? test : train;
    const std::size_t r = order[k];
    d.x.insert(d.x.end(), all->x.begin() + static_cast<std::ptrdiff_t>(r * kFeatures),
               all->x.begin() + static_cast<std::ptrdiff_t>((r + 1) * kFeatures));
    d.y.push_back(all->y[r]);
  }
  standardize(train, test);

  // The model: parameters and the learning rate are shared variables.
  const hp::SharedVariable W1 = hp::shared(glorot(rng, kFeatures, opt.hidden), "W1");
  const hp::SharedVariable b1 = hp::shared(hp::Array::zeros(hp::float64, {opt.hidden}), "b1");
  const hp::SharedVariable W2 = hp::shared(glorot(rng, opt.hidden, kClasses), "W2");
  const hp::SharedVariable b2 = hp::shared(hp::Array::zeros(hp::float64, {kClasses}), "b2");
  const hp::SharedVariable learning_rate = hp::shared(hp::Array::scalar(0.01), "learning_rate");
  const auto x = hp::matrix("x", hp::float64);
  const auto y = hp::vector("y", hp::int64);
  const auto hidden = hp::relu(hp::dot(x, W1) + b1);
  const auto p_y = hp::softmax(hp::dot(hidden, W2) + b2);
  const auto loss = hp::mean(hp::categorical_crossentropy(p_y, y));
  const auto accuracy = hp::mean(hp::eq(hp::argmax(p_y, 1), y));
  const auto cost = loss + 0.5e-3 * (hp::sum(hp::sqr(W1)) + hp::sum(hp::sqr(W2)));  // L2 weight decay
  hp::Function train_step = hp::function(
      {x, y}, {loss, accuracy}, {.updates = hp::optim::adam({W1, b1, W2, b2}, cost, {.learning_rate = learning_rate})});
  hp::Function evaluate = hp::function({x, y}, {loss, accuracy});

  const bool tty = isatty(fileno(stdout)) != 0;
  const std::size_t batch_size = 32;
  const std::size_t batches = (train.size() + batch_size - 1) / batch_size;
  std::vector<std::size_t> test_rows(test.size());
  std::iota(test_rows.begin(), test_rows.end(), 0);
  const auto [test_x, test_y] = batch(test, test_rows);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const std::clock_t cpu_start = std::clock();
  double held_out = 0;
  for (int epoch = 1; epoch <= opt.epochs; ++epoch) {
    const auto t0 = Clock::now();
    const std::clock_t cpu0 = std::clock();
    learning_rate.set_value(hp::Array::scalar(0.01 * std::pow(0.9, epoch - 1)));
    const std::vector<std::size_t> perm = rng.permutation(train.size());
    double loss_sum = 0, correct = 0;
    for (std::size_t b = 0; b < batches; ++b) {
      const std::size_t lo = b * batch_size, hi = std::min(train.size(), lo + batch_size);
      const auto [bx, by] = batch(train, std::vector<std::size_t>(perm.begin() + static_cast<std::ptrdiff_t>(lo),
                                                                  perm.begin() + static_cast<std::ptrdiff_t>(hi)));
      const std::vector<hp::Array> out = train_step({bx, by});
      loss_sum += out[0].item<double>() * static_cast<double>(hi - lo);
      correct += out[1].item<double>() * static_cast<double>(hi - lo);
      if (tty) std::cout << "\repoch " << epoch << "/" << opt.epochs << " " << bar(b + 1, batches) << std::flush;
    }
    const std::vector<hp::Array> out = evaluate({test_x, test_y});
    held_out = out[1].item<double>();
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
    char line[200];
    std::snprintf(line, sizeof line,
                  "epoch %2d/%d %s loss %.4f  train acc %5.1f%%  held-out loss %.4f  acc %5.1f%%  %.2f s (%.2f s CPU)",
                  epoch, opt.epochs, bar(1, 1).c_str(), loss_sum / static_cast<double>(train.size()),
                  100 * correct / static_cast<double>(train.size()), out[0].item<double>(), 100 * held_out, seconds,
                  cpu);
    std::cout << (tty ? "\r" : "") << line << "\n" << std::flush;
  }
  const double total = std::chrono::duration<double>(Clock::now() - start).count();
  const double total_cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::printf("held-out accuracy %.1f%% (%d of %zu digits) after %d epochs in %.1f s (%.1f s CPU)\n", 100 * held_out,
              static_cast<int>(std::lround(held_out * static_cast<double>(test.size()))), test.size(), opt.epochs,
              total, total_cpu);
  if (held_out < opt.min_accuracy) {
    std::printf("below the required %.1f%%\n", 100 * opt.min_accuracy);
    return 1;
  }
  return 0;
}
