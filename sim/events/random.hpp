// The simulator's own seeded generator: the same seed gives the same draws on every platform and
// standard library (std:: distributions differ between implementations).
#pragma once

#include <cmath>
#include <cstdint>

namespace corridor::events {

/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit counter passed through a bijective mixer.
class Random {
public:
  explicit Random(std::uint64_t seed = 0) : state_(seed) {}

  /// An independent stream for (seed, purpose, index): mixes all three into the start state.
  static Random stream(std::uint64_t seed, std::uint64_t purpose, std::uint64_t index) {
    Random r(seed ^ (purpose * 0xD1B54A32D192ED03ULL));
    r.state_ ^= r.next() + index * 0x9E3779B97F4A7C15ULL;
    r.next();
    return r;
  }

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  /// Uniform on [0, 1), 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Exponential with the given mean: -mean * ln(1 - U), U uniform on [0, 1).
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }

private:
  std::uint64_t state_;
};

}  // namespace corridor::events
