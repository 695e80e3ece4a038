// rtguard: an LD_PRELOAD library for the test suite that counts heap allocations, frees and lock
// acquisitions made on threads the engine has marked real-time (engine/rt_hooks.hpp). `npm test`
// preloads it into jest, and every test file ends by checking that the counts are still zero.
//
// It interposes the allocator entry points (operator new/delete end in malloc/free) and the
// pthread locking functions. Counting is one thread-local check, so unmarked threads (the JS thread
// outside advance(), jest itself) pay next to nothing.
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>

#include <atomic>
#include <cstddef>

extern "C" {
// glibc's own allocator entry points: calling them directly avoids dlsym (which allocates) and
// recursion.
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void* __libc_valloc(size_t);
void* __libc_pvalloc(size_t);
}

namespace {

__attribute__((tls_model("initial-exec"))) thread_local int t_realtime = 0;
std::atomic<unsigned long long> g_allocations{0};
std::atomic<unsigned long long> g_frees{0};
std::atomic<unsigned long long> g_locks{0};

inline void countAlloc() {
  if (t_realtime) g_allocations.fetch_add(1, std::memory_order_relaxed);
}
inline void countLock() {
  if (t_realtime) g_locks.fetch_add(1, std::memory_order_relaxed);
}

template <class Fn>
Fn next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

// The real locking functions, resolved once when the library loads: resolving them lazily inside
// an interposed call could recurse through dlsym's own locking.
decltype(&::pthread_mutex_lock) real_pthread_mutex_lock = nullptr;
decltype(&::pthread_mutex_trylock) real_pthread_mutex_trylock = nullptr;
decltype(&::pthread_mutex_timedlock) real_pthread_mutex_timedlock = nullptr;
decltype(&::pthread_rwlock_rdlock) real_pthread_rwlock_rdlock = nullptr;
decltype(&::pthread_rwlock_wrlock) real_pthread_rwlock_wrlock = nullptr;
decltype(&::pthread_spin_lock) real_pthread_spin_lock = nullptr;
decltype(&::pthread_cond_wait) real_pthread_cond_wait = nullptr;
decltype(&::sem_wait) real_sem_wait = nullptr;

__attribute__((constructor)) void resolveRealFunctions() {
  real_pthread_mutex_lock = next<decltype(&::pthread_mutex_lock)>("pthread_mutex_lock");
  real_pthread_mutex_trylock = next<decltype(&::pthread_mutex_trylock)>("pthread_mutex_trylock");
  real_pthread_mutex_timedlock = next<decltype(&::pthread_mutex_timedlock)>("pthread_mutex_timedlock");
  real_pthread_rwlock_rdlock = next<decltype(&::pthread_rwlock_rdlock)>("pthread_rwlock_rdlock");
  real_pthread_rwlock_wrlock = next<decltype(&::pthread_rwlock_wrlock)>("pthread_rwlock_wrlock");
  real_pthread_spin_lock = next<decltype(&::pthread_spin_lock)>("pthread_spin_lock");
  real_pthread_cond_wait = next<decltype(&::pthread_cond_wait)>("pthread_cond_wait");
  real_sem_wait = next<decltype(&::sem_wait)>("sem_wait");
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void ringmix_rtguard_enter() { ++t_realtime; }
__attribute__((visibility("default"))) void ringmix_rtguard_leave() { --t_realtime; }
__attribute__((visibility("default"))) void ringmix_rtguard_counts(unsigned long long out[3]) {
  out[0] = g_allocations.load();
  out[1] = g_frees.load();
  out[2] = g_locks.load();
}
__attribute__((visibility("default"))) void ringmix_rtguard_reset() {
  g_allocations = 0;
  g_frees = 0;
  g_locks = 0;
}

void* malloc(size_t n) {
  countAlloc();
  return __libc_malloc(n);
}
void free(void* p) {
  if (p != nullptr && t_realtime) g_frees.fetch_add(1, std::memory_order_relaxed);
  __libc_free(p);
}
void* calloc(size_t n, size_t s) {
  countAlloc();
  return __libc_calloc(n, s);
}
void* realloc(void* p, size_t n) {
  countAlloc();
  return __libc_realloc(p, n);
}
void* memalign(size_t a, size_t n) {
  countAlloc();
  return __libc_memalign(a, n);
}
void* aligned_alloc(size_t a, size_t n) {
  countAlloc();
  return __libc_memalign(a, n);
}
int posix_memalign(void** out, size_t a, size_t n) {
  countAlloc();
  void* p = __libc_memalign(a, n);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
void* valloc(size_t n) {
  countAlloc();
  return __libc_valloc(n);
}
void* pvalloc(size_t n) {
  countAlloc();
  return __libc_pvalloc(n);
}

int pthread_mutex_lock(pthread_mutex_t* m) {
  countLock();
  if (real_pthread_mutex_lock == nullptr) resolveRealFunctions();  // called before our constructor
  return real_pthread_mutex_lock(m);
}
int pthread_mutex_trylock(pthread_mutex_t* m) {
  countLock();
  if (real_pthread_mutex_trylock == nullptr) resolveRealFunctions();  // called before our constructor
  return real_pthread_mutex_trylock(m);
}
int pthread_mutex_timedlock(pthread_mutex_t* m, const struct timespec* t) {
  countLock();
  if (real_pthread_mutex_timedlock == nullptr) resolveRealFunctions();  // called before our constructor
  return real_pthread_mutex_timedlock(m, t);
}
int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  countLock();
  if (real_pthread_rwlock_rdlock == nullptr) resolveRealFunctions();  // called before our constructor
  return real_pthread_rwlock_rdlock(l);
}
int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  countLock();
  if (real_pthread_rwlock_wrlock == nullptr) resolveRealFunctions();  // called before our constructor
  return real_pthread_rwlock_wrlock(l);
}
int pthread_spin_lock(pthread_spinlock_t* l) {
  countLock();
  if (real_pthread_spin_lock == nullptr) resolveRealFunctions();  // called before our constructor
  return real_pthread_spin_lock(l);
}
int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  countLock();
  if (real_pthread_cond_wait == nullptr) resolveRealFunctions();  // called before our constructor
  return real_pthread_cond_wait(c, m);
}
int sem_wait(sem_t* s) {
  countLock();
  if (real_sem_wait == nullptr) resolveRealFunctions();  // called before our constructor
  return real_sem_wait(s);
}

}  // extern "C"
