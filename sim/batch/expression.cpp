#include "sim/batch/expression.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace corridor::batch {

namespace {

// Recursive descent: expr = term {(+|-) term}; term = factor {(*|/) factor};
// factor = number | $name | ( expr ) | - factor.
class Parser {
public:
  Parser(const std::string& text, const std::map<std::string, double>& params) : s_(text), params_(params) {}

  double parse() {
    const double v = expr();
    skip();
    if (pos_ != s_.size()) throw std::invalid_argument("unexpected '" + s_.substr(pos_) + "' in '" + s_ + "'");
    return v;
  }

private:
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  double expr() {
    double v = term();
    for (;;) {
      skip();
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) {
        const char op = s_[pos_++];
        const double rhs = term();
        v = op == '+' ? v + rhs : v - rhs;
      } else {
        return v;
      }
    }
  }
  double term() {
    double v = factor();
    for (;;) {
      skip();
      if (pos_ < s_.size() && (s_[pos_] == '*' || s_[pos_] == '/')) {
        const char op = s_[pos_++];
        const double rhs = factor();
        if (op == '/' && rhs == 0.0) throw std::invalid_argument("division by zero in '" + s_ + "'");
        v = op == '*' ? v * rhs : v / rhs;
      } else {
        return v;
      }
    }
  }
  double factor() {
    skip();
    if (pos_ >= s_.size()) throw std::invalid_argument("expression '" + s_ + "' ends too early");
    const char c = s_[pos_];
    if (c == '-') {
      ++pos_;
      return -factor();
    }
    if (c == '(') {
      ++pos_;
      const double v = expr();
      skip();
      if (pos_ >= s_.size() || s_[pos_] != ')') throw std::invalid_argument("missing ')' in '" + s_ + "'");
      ++pos_;
      return v;
    }
    if (c == '$') {
      const std::size_t start = ++pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
      const std::string name = s_.substr(start, pos_ - start);
      const auto it = params_.find(name);
      if (it == params_.end()) throw std::invalid_argument("unknown parameter '$" + name + "'");
      return it->second;
    }
    double v = 0.0;
    const auto [end, ec] = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), v);
    if (ec != std::errc{}) throw std::invalid_argument("expected a number or $parameter at '" + s_.substr(pos_) + "'");
    pos_ = static_cast<std::size_t>(end - s_.data());
    return v;
  }

  const std::string& s_;
  const std::map<std::string, double>& params_;
  std::size_t pos_ = 0;
};

}  // namespace

double evaluate(const std::string& expression, const std::map<std::string, double>& parameters) {
  return Parser(expression, parameters).parse();
}

}  // namespace corridor::batch
