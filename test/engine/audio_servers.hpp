// Private audio servers for native device tests: jackd with its dummy driver under a unique server
// name, and a PulseAudio daemon with a null sink in a private runtime directory (the C++ twin of
// test/helpers/servers.ts, with the same command lines). Each server is a child process owned by
// an RAII object: the destructor terminates and reaps it, and the child also gets SIGTERM from the
// kernel if the test process dies first (a crash or an ASan abort runs no destructors), so no run
// leaves a server behind. Start-up is awaited by polling the server's own tool, never by sleeping.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ringmix::test {

// One child process, terminated (SIGTERM, then SIGKILL after 5 s) and reaped on destruction.
class ChildProcess {
 public:
  ChildProcess() = default;
  // Starts argv[0] (looked up in PATH) with this process's environment plus `extraEnv`
  // ("NAME=value"), stdout and stderr to /dev/null. Throws std::runtime_error.
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;

  // Whether it is still running (reaps it if it exited).
  bool alive();
  void terminate() noexcept;

 private:
  pid_t pid_ = -1;
};

// Runs a command to completion (quietly) and returns whether it exited with status 0.
bool runQuietly(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv);

// A directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// jackd -n <name> --no-realtime -d dummy -r <rate> -p <period>, up once jack_lsp reaches it.
class JackServer {
 public:
  // Throws std::runtime_error (with the reason) when jackd exits or is unreachable after 20 s.
  JackServer(const std::string& name, int sampleRate, int period);
  ~JackServer();  // stops the server and removes what it and its clients left in /dev/shm
  JackServer(const JackServer&) = delete;
  JackServer& operator=(const JackServer&) = delete;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  ChildProcess proc_;
};

// pulseaudio with a null sink (ringmix_null) as the default sink and its monitor as the default
// source, in `runtimeDir`; up once pactl reaches it. Throws std::runtime_error.
class PulseServer {
 public:
  PulseServer(const std::string& runtimeDir, int sampleRate);

 private:
  TempDir state_{"ringmix-devtest-pulse-state-"};  // HOME and PULSE_STATE_PATH: nothing of the user's
  std::string runtimeDir_;
  ChildProcess proc_;  // declared last: stopped before its state directory is removed
};

}  // namespace ringmix::test
