/*
 * tn_test.h -- a minimal unit-test harness for CTest: CHECK macros that record failures with file
 * and line, and TEST_MAIN that runs the listed test functions and returns non-zero on failure.
 *
 *   static void test_x(void) { CHECK(1 + 1 == 2); CHECK_EQ_INT(a, b); }
 *   TEST_MAIN(test_x, test_y)
 */
#ifndef TN_TEST_H
#define TN_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

static int tn_test_failures;
static int tn_test_checks;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        tn_test_checks++;                                                             \
        if (!(cond)) {                                                                \
            tn_test_failures++;                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                             \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long _a = (long long)(a), _b = (long long)(b);                                        \
        tn_test_checks++;                                                                          \
        if (_a != _b) {                                                                            \
            tn_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, \
                    _a, _b);                                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                         \
    do {                                                                                           \
        const char *_a = (a), *_b = (b);                                                           \
        tn_test_checks++;                                                                          \
        if (!_a || !_b || strcmp(_a, _b) != 0) {                                                   \
            tn_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a,  \
                    #b, _a ? _a : "(null)", _b ? _b : "(null)");                                   \
        }                                                                                          \
    } while (0)

typedef void (*tn_test_fn)(void);

static inline int tn_test_run(const char *names, tn_test_fn *fns, int n)
{
    (void)names;
    for (int i = 0; i < n; i++)
        fns[i]();
    fprintf(stderr, "%d checks, %d failures\n", tn_test_checks, tn_test_failures);
    return tn_test_failures ? 1 : 0;
}

#define TEST_MAIN(...)                                                         \
    int main(void)                                                             \
    {                                                                          \
        tn_test_fn fns[] = {__VA_ARGS__};                                      \
        return tn_test_run(#__VA_ARGS__, fns, (int)(sizeof fns / sizeof *fns)); \
    }

#endif
