// What every implementation shares: naming errno values and throwing WriteError.
#include <cerrno>
#include <cstring>

#include "consumers/output_file.hpp"

namespace ringmix::consumers {

std::string errnoName(int errnum) {
  switch (errnum) {
    case ENOSPC: return "ENOSPC";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EROFS: return "EROFS";
    case EIO: return "EIO";
#ifdef EDQUOT  // POSIX but not in Windows C runtimes
    case EDQUOT: return "EDQUOT";
#endif
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EFBIG: return "EFBIG";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EINVAL: return "EINVAL";
    default: break;
  }
  std::string name = "E";
  name += std::to_string(errnum);
  return name;
}

void throwWriteError(const std::string& verb, const std::string& path, int errnum) {
  throw WriteError("cannot " + verb + " " + path + ": " + std::strerror(errnum), errnum,
                   errnoName(errnum));
}

}  // namespace ringmix::consumers
