// Forward-mode dual numbers: a value with N partial derivatives, so that the pipe equations and the
// friction laws are written once and differentiated exactly (no finite differences in the Jacobian).
#pragma once

#include <array>
#include <cmath>
#include <numbers>

namespace corridor::gas {

template <int N>
struct Dual {
  double v = 0.0;                 ///< value
  std::array<double, N> d{};      ///< partial derivatives

  Dual() = default;
  Dual(double value) : v(value) {}  // NOLINT(google-explicit-constructor): constants mix freely
  static Dual variable(double value, int index) {
    Dual x(value);
    x.d[static_cast<std::size_t>(index)] = 1.0;
    return x;
  }

  Dual& operator+=(const Dual& o) {
    v += o.v;
    for (int i = 0; i < N; ++i) d[i] += o.d[i];
    return *this;
  }
  Dual& operator-=(const Dual& o) {
    v -= o.v;
    for (int i = 0; i < N; ++i) d[i] -= o.d[i];
    return *this;
  }
  Dual& operator*=(const Dual& o) {
    for (int i = 0; i < N; ++i) d[i] = d[i] * o.v + v * o.d[i];
    v *= o.v;
    return *this;
  }
  Dual& operator/=(const Dual& o) {
    const double inv = 1.0 / o.v;
    for (int i = 0; i < N; ++i) d[i] = (d[i] - v * inv * o.d[i]) * inv;
    v *= inv;
    return *this;
  }
  friend Dual operator+(Dual a, const Dual& b) { return a += b; }
  friend Dual operator-(Dual a, const Dual& b) { return a -= b; }
  friend Dual operator*(Dual a, const Dual& b) { return a *= b; }
  friend Dual operator/(Dual a, const Dual& b) { return a /= b; }
  friend Dual operator-(Dual a) {
    a.v = -a.v;
    for (int i = 0; i < N; ++i) a.d[i] = -a.d[i];
    return a;
  }
  /// Applies a scalar function with value f and derivative df at v (chain rule).
  [[nodiscard]] Dual chain(double f, double df) const {
    Dual r(f);
    for (int i = 0; i < N; ++i) r.d[i] = df * d[i];
    return r;
  }
};

inline double value_of(double x) { return x; }
template <int N>
double value_of(const Dual<N>& x) {
  return x.v;
}

template <int N>
Dual<N> sqrt(const Dual<N>& x) {
  const double s = std::sqrt(x.v);
  return x.chain(s, s > 0.0 ? 0.5 / s : 0.0);
}
template <int N>
Dual<N> log10(const Dual<N>& x) {
  return x.chain(std::log10(x.v), 1.0 / (x.v * std::numbers::ln10));
}
template <int N>
Dual<N> exp(const Dual<N>& x) {
  const double e = std::exp(x.v);
  return x.chain(e, e);
}
template <int N>
Dual<N> pow(const Dual<N>& x, double a) {
  const double p = std::pow(x.v, a);
  return x.chain(p, a * std::pow(x.v, a - 1.0));
}
template <int N>
Dual<N> abs(const Dual<N>& x) {
  return x.v < 0.0 ? -x : x;
}

using std::abs;
using std::exp;
using std::log10;
using std::pow;
using std::sqrt;

}  // namespace corridor::gas
