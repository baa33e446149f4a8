// The future-event list: a binary min-heap over compact records, ordered by time and then by the
// order events were scheduled, so that ties break the same way on every run.
#pragma once

#include <cstdint>
#include <vector>

namespace corridor::events {

enum class EventKind : std::uint32_t {
  release,  ///< an OD's next train leaves its origin (a = OD)
  arrive,   ///< a train reaches the next node of its route (a = train)
  done,     ///< a train's service at its node ends (a = train)
  sail,     ///< a scheduled sailing (a = ferry)
  reopen,   ///< a node closed by a disruption reopens (a = node)
};

struct Event {
  double time_h = 0.0;
  std::uint64_t seq = 0;  ///< scheduling order: the tie-break
  EventKind kind = EventKind::release;
  std::uint32_t a = 0;
};

class EventQueue {
public:
  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
  [[nodiscard]] const Event& top() const { return heap_.front(); }
  void reserve(std::size_t n) { heap_.reserve(n); }

  void push(double time_h, EventKind kind, std::uint32_t a) {
    Event e{time_h, next_seq_++, kind, a};
    std::size_t i = heap_.size();
    heap_.push_back(e);
    while (i > 0) {  // sift up
      const std::size_t parent = (i - 1) / 2;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  Event pop() {
    const Event out = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n > 0) {  // sift the last element down from the root
      std::size_t i = 0;
      for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
        if (!before(heap_[child], last)) break;
        heap_[i] = heap_[child];
        i = child;
      }
      heap_[i] = last;
    }
    return out;
  }

private:
  static bool before(const Event& x, const Event& y) noexcept {
    return x.time_h < y.time_h || (x.time_h == y.time_h && x.seq < y.seq);
  }
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace corridor::events
