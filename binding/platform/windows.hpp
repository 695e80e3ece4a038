// <windows.h> the same way for every Windows file of the platform layer: Windows 10 APIs
// (WaitOnAddress, high-resolution waitable timers), and without the min/max macros that break
// std::min/std::max, nor the rarely used headers.
#pragma once

#if !defined(_WIN32)
#error "platform/windows.hpp is for the Windows implementation files only"
#endif

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0A00
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <string>

namespace ringmix::platform {

// The system's text for a GetLastError() code, without the trailing line break.
inline std::string windowsErrorText(unsigned long code) {
  char* text = nullptr;
  const DWORD n = FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                     FORMAT_MESSAGE_IGNORE_INSERTS,
                                 nullptr, code, 0, reinterpret_cast<char*>(&text), 0, nullptr);
  std::string result = n > 0 && text != nullptr ? std::string(text, n) : "error " + std::to_string(code);
  if (text != nullptr) LocalFree(text);
  while (!result.empty() && (result.back() == '\n' || result.back() == '\r' || result.back() == '.'))
    result.pop_back();
  return result;
}

}  // namespace ringmix::platform
