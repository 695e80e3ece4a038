#include "audio_servers.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ringmix::test {

namespace {

using Clock = std::chrono::steady_clock;

// argv[0] resolved in PATH before forking: the child may only make async-signal-safe calls (the
// test process may have threads by then), and execvp's PATH search allocates.
std::string resolve(const std::string& cmd) {
  if (cmd.find('/') != std::string::npos) return cmd;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = dirs.substr(start, end - start) + "/" + cmd;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  throw std::runtime_error(cmd + " not found in PATH (install it: scripts/setup.sh)");
}

// This process's environment with `extra` ("NAME=value") replacing or adding entries.
std::vector<std::string> environmentWith(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& x : extra) replaced = replaced || x.compare(0, name.size(), name) == 0;
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv) {
  if (argv.empty()) throw std::runtime_error("spawn: empty command");
  std::string file = resolve(argv[0]);
  std::vector<std::string> args = argv, env = environmentWith(extraEnv);
  std::vector<char*> argp = pointers(args), envp = pointers(env);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed for " + argv[0]);
  if (pid == 0) {
    // If the test process dies without running destructors (a crash, an ASan abort), the kernel
    // sends the server SIGTERM. (It fires when the spawning thread exits: servers are spawned from
    // the main thread, which lives as long as the process.)
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    execve(file.c_str(), argp.data(), envp.data());
    _exit(127);
  }
  return pid;
}

// Polls `ready` every 50 ms; false once `timeout` passed or `gaveUp` says it never will.
bool until(const std::function<bool()>& ready, const std::function<bool()>& gaveUp, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!ready()) {
    if (gaveUp() || Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv)
    : pid_(spawn(argv, extraEnv)) {}

ChildProcess::~ChildProcess() { terminate(); }

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    terminate();
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

bool ChildProcess::alive() {
  if (pid_ < 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == 0) return true;
  pid_ = -1;  // exited and reaped
  return false;
}

void ChildProcess::terminate() noexcept {
  if (pid_ < 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

bool runQuietly(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv) {
  const pid_t pid = spawn(argv, extraEnv);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TempDir::TempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed: " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

JackServer::JackServer(const std::string& name, int sampleRate, int period) : name_(name) {
  // JACK_NO_AUDIO_RESERVATION: no D-Bus device reservation (there is no session bus here).
  // JACK_NO_START_SERVER: jack_lsp must find this server, never start one of its own.
  const std::vector<std::string> env = {"JACK_NO_AUDIO_RESERVATION=1", "JACK_DEFAULT_SERVER=" + name,
                                        "JACK_NO_START_SERVER=1"};
  proc_ = ChildProcess({"jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", std::to_string(sampleRate), "-p",
                        std::to_string(period)},
                       env);
  const bool up = until([&] { return runQuietly({"jack_lsp"}, env); }, [&] { return !proc_.alive(); },
                        std::chrono::seconds(20));
  if (!up)
    throw std::runtime_error(proc_.alive() ? "jackd '" + name + "' did not accept clients within 20 s"
                                           : "jackd '" + name + "' exited during start-up");
}

JackServer::~JackServer() {
  proc_.terminate();
  // A client's semaphore (/dev/shm/jack_sem.<uid>_<server>_<client>) stays behind when its server
  // stops under it, as it does here: PortAudio keeps its JACK client for the life of the process.
  // The server name is this run's own, so everything carrying it is ours.
  const std::string mark = "_" + name_ + "_";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ec)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("jack", 0) == 0 && file.find(mark) != std::string::npos) std::filesystem::remove(entry.path(), ec);
  }
}

PulseServer::PulseServer(const std::string& runtimeDir, int sampleRate) : runtimeDir_(runtimeDir) {
  const std::vector<std::string> env = {"PULSE_RUNTIME_PATH=" + runtimeDir, "PULSE_STATE_PATH=" + state_.path(),
                                        "HOME=" + state_.path()};
  proc_ = ChildProcess({"pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
                        "--disable-shm=yes", "-L",
                        "module-null-sink sink_name=ringmix_null rate=" + std::to_string(sampleRate) + " channels=2",
                        "-L", "module-native-protocol-unix", "-L", "module-always-sink"},
                       env);
  const bool up = until([&] { return runQuietly({"pactl", "info"}, env); }, [&] { return !proc_.alive(); },
                        std::chrono::seconds(20));
  if (!up)
    throw std::runtime_error(proc_.alive() ? "pulseaudio did not accept clients within 20 s"
                                           : "pulseaudio exited during start-up");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"pactl", "set-default-sink", "ringmix_null"},
                                               std::vector<std::string>{"pactl", "set-default-source", "ringmix_null.monitor"}})
    if (!runQuietly(args, env)) throw std::runtime_error(args[0] + " " + args[1] + " " + args[2] + " failed");
}

}  // namespace ringmix::test
