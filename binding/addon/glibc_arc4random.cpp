// arc4random() for the statically linked C++ runtime, so that the addon does not need glibc 2.36.
//
// libstdc++'s std::random_device calls glibc's arc4random() where the build machine's glibc has it
// (2.36+), and its archive member comes along with the COW strings every std exception uses, so a
// prebuilt addon linked with -static-libstdc++ on such a machine would refuse to load on any older
// glibc (Ubuntu 22.04 has 2.35) although ringmix never makes a random_device. This definition
// satisfies that reference inside the addon instead (the version script keeps it local, so no
// other library in the process sees it). It is what glibc's own does: the kernel's getrandom(2).
#include <cstddef>
#include <cstdint>  // (defines __GLIBC__ on glibc)

#if defined(__linux__) && defined(__GLIBC__)

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

extern "C" __attribute__((visibility("hidden"))) std::uint32_t arc4random(void) {
  std::uint32_t value = 0;
  auto* out = reinterpret_cast<unsigned char*>(&value);
  std::size_t got = 0;
  while (got < sizeof value) {
    const long n = syscall(SYS_getrandom, out + got, sizeof value - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
    else if (n < 0 && errno != EINTR) break;  // a kernel before 3.17: the value so far
  }
  return value;
}

#endif
