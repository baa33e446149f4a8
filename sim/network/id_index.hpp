// Ids of nodes or links to their positions: an open-addressing hash table of positions (linear
// probing). The ids themselves stay in the records (Node::id, Link::id) and are read back through a
// callback, so the index costs 8 bytes per slot and no allocation per id: at a million links it is
// several times smaller and faster than std::unordered_map<std::string, std::size_t>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace corridor::network {

class IdIndex {
public:
  /// Makes room for `n` ids without rehashing.
  void reserve(std::size_t n) {
    std::size_t capacity = 16;
    while (capacity < 2 * n) capacity *= 2;
    if (capacity > slots_.size()) rehash(capacity);
  }

  /// The position of `id`, where id_of(position) gives the id stored at a position.
  template <typename IdOf>
  [[nodiscard]] std::optional<std::size_t> find(std::string_view id, const IdOf& id_of) const {
    if (slots_.empty()) return std::nullopt;
    const std::uint32_t h = hash(id);
    for (std::size_t i = h & mask(); slots_[i].position_plus_1 != 0; i = (i + 1) & mask())
      if (slots_[i].hash == h && id_of(slots_[i].position_plus_1 - 1) == id) return slots_[i].position_plus_1 - 1;
    return std::nullopt;
  }

  /// Adds `id` at `position` unless the id is there already (then returns false and changes nothing).
  template <typename IdOf>
  bool insert(std::string_view id, std::size_t position, const IdOf& id_of) {
    if (2 * (size_ + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
    const std::uint32_t h = hash(id);
    std::size_t i = h & mask();
    for (; slots_[i].position_plus_1 != 0; i = (i + 1) & mask())
      if (slots_[i].hash == h && id_of(slots_[i].position_plus_1 - 1) == id) return false;
    slots_[i] = {static_cast<std::uint32_t>(position + 1), h};
    ++size_;
    return true;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
  struct Slot {
    std::uint32_t position_plus_1 = 0;  ///< 0: empty
    std::uint32_t hash = 0;
  };

  static std::uint32_t hash(std::string_view id) {
    const std::size_t h = std::hash<std::string_view>{}(id);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }
  [[nodiscard]] std::size_t mask() const noexcept { return slots_.size() - 1; }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.position_plus_1 == 0) continue;
      std::size_t i = s.hash & mask();
      while (slots_[i].position_plus_1 != 0) i = (i + 1) & mask();
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;  ///< size 0 or a power of two, at most half full
  std::size_t size_ = 0;
};

}  // namespace corridor::network
