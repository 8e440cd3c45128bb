// Progress of one training run on stderr. On a terminal: one live line rewritten in place with \r
// (step/total, steps/s, ETA, accuracies, "memorized at N", "grokked at N"). Otherwise (a log file,
// a pipe, a cluster job): a plain line every `log_seconds` or every 10% of the steps, plus one line
// when the run memorizes or groks, so logs stay readable and small.
#pragma once
#include <chrono>
#include <string>

#include "grok/grokking/trainer.h"

namespace grok_cli {

enum class ProgressMode { Live, Log, None };
// "auto" picks Live when stderr is a terminal, else Log. Returns false for an unknown name.
bool parse_progress_mode(const std::string& name, ProgressMode& out);

class Progress {
 public:
  Progress(ProgressMode mode, double log_seconds, long start_step);
  void update(const grok::Trainer& t);  // cheap; call after every step
  void finish(const grok::Trainer& t);  // final state, ends the live line
  void message(const std::string& line);  // a line of its own, not clobbered by the live line
  void clear();                           // erase an open live line (before an error message)

 private:
  using Clock = std::chrono::steady_clock;
  std::string status(const grok::Trainer& t) const;
  void print_live(const std::string& text);

  ProgressMode mode_;
  double log_seconds_;
  long start_step_;                       // steps done before this process (resume)
  Clock::time_point start_, last_print_;
  long last_decile_ = -1;
  long reported_memorize_ = -1, reported_grok_ = -1;
  bool live_line_open_ = false;
};

std::string format_duration(double seconds);  // "42s", "3m05s", "2h07m"
// "memorized at 80, grokked at 420" / "memorized at 80, not grokked" (+ ", DIVERGED").
std::string events_text(const grok::Summary& s);

}  // namespace grok_cli
