// Second-order forward-mode automatic differentiation: a value with its N partial derivatives and its
// N x N Hessian, so that the optimiser (optimizer.hpp) gets exact first and second derivatives of the
// same pipe and compressor laws the Newton solver differentiates with Dual<N> (dual.hpp).
//
// Rules (a, b jets; f a scalar function):
//   (a b)''  = a'' b + a b'' + a' b'^T + b' a'^T
//   f(a)''   = f'(a) a'' + f''(a) a' a'^T
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>

namespace corridor::gas {

template <int N>
struct Jet {
  double v = 0.0;
  std::array<double, N> g{};      ///< gradient
  std::array<double, N * N> h{};  ///< Hessian, row-major, symmetric

  Jet() = default;
  Jet(double value) : v(value) {}  // NOLINT(google-explicit-constructor): constants mix freely
  static Jet variable(double value, int index) {
    Jet x(value);
    x.g[static_cast<std::size_t>(index)] = 1.0;
    return x;
  }
  [[nodiscard]] double hessian(int i, int j) const { return h[static_cast<std::size_t>(i * N + j)]; }

  Jet& operator+=(const Jet& o) {
    v += o.v;
    for (int i = 0; i < N; ++i) g[i] += o.g[i];
    for (int i = 0; i < N * N; ++i) h[i] += o.h[i];
    return *this;
  }
  Jet& operator-=(const Jet& o) {
    v -= o.v;
    for (int i = 0; i < N; ++i) g[i] -= o.g[i];
    for (int i = 0; i < N * N; ++i) h[i] -= o.h[i];
    return *this;
  }
  Jet& operator*=(const Jet& o) {
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j)
        h[i * N + j] = h[i * N + j] * o.v + v * o.h[i * N + j] + g[i] * o.g[j] + o.g[i] * g[j];
    for (int i = 0; i < N; ++i) g[i] = g[i] * o.v + v * o.g[i];
    v *= o.v;
    return *this;
  }
  Jet& operator/=(const Jet& o) { return *this *= o.chain(1.0 / o.v, -1.0 / (o.v * o.v), 2.0 / (o.v * o.v * o.v)); }
  friend Jet operator+(Jet a, const Jet& b) { return a += b; }
  friend Jet operator-(Jet a, const Jet& b) { return a -= b; }
  friend Jet operator*(Jet a, const Jet& b) { return a *= b; }
  friend Jet operator/(Jet a, const Jet& b) { return a /= b; }
  friend Jet operator-(Jet a) {
    a.v = -a.v;
    for (auto& x : a.g) x = -x;
    for (auto& x : a.h) x = -x;
    return a;
  }
  /// f(this) given f, f' and f'' at v.
  [[nodiscard]] Jet chain(double f, double df, double ddf) const {
    Jet r(f);
    for (int i = 0; i < N; ++i) r.g[i] = df * g[i];
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) r.h[i * N + j] = df * h[i * N + j] + ddf * g[i] * g[j];
    return r;
  }
};

template <int N>
double value_of(const Jet<N>& x) {
  return x.v;
}
template <int N>
Jet<N> sqrt(const Jet<N>& x) {
  const double s = std::sqrt(x.v);
  return s > 0.0 ? x.chain(s, 0.5 / s, -0.25 / (s * x.v)) : x.chain(0.0, 0.0, 0.0);
}
template <int N>
Jet<N> log10(const Jet<N>& x) {
  const double inv = 1.0 / (x.v * std::numbers::ln10);
  return x.chain(std::log10(x.v), inv, -inv / x.v);
}
template <int N>
Jet<N> exp(const Jet<N>& x) {
  const double e = std::exp(x.v);
  return x.chain(e, e, e);
}
template <int N>
Jet<N> pow(const Jet<N>& x, double a) {
  return x.chain(std::pow(x.v, a), a * std::pow(x.v, a - 1.0), a * (a - 1.0) * std::pow(x.v, a - 2.0));
}
template <int N>
Jet<N> abs(const Jet<N>& x) {
  return x.v < 0.0 ? -x : x;
}

}  // namespace corridor::gas
