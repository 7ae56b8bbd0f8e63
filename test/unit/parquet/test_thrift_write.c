/*
 * test_thrift_write.c -- the Thrift compact encoder (thrift_write.c): exact bytes for hand-checked
 * cases, round trips through the reader's decoder (thrift.h) for every field kind (short and long
 * field headers, zigzag extremes, short and long list headers, bool fields and bool elements,
 * nested structs, binary), and the sticky error paths (unbalanced structs, fields outside a struct,
 * too deep nesting).
 */
#include "tn_test.h"
#include "parquet/thrift.h"
#include "parquet/thrift_write.h"

#include <math.h>

static void test_exact_bytes(void)
{
    pq_bytes b = {0};
    pq_tw w;
    pq_tw_init(&w, &b);
    pq_tw_struct_begin(&w);
    pq_tw_field_i32(&w, 1, 5);      /* 0x15 0x0a */
    pq_tw_field_i64(&w, 3, -1);     /* delta 2, I64: 0x26, zigzag(-1)=1: 0x01 */
    pq_tw_field_bool(&w, 4, true);  /* 0x11 */
    pq_tw_field_bool(&w, 5, false); /* 0x12 */
    pq_tw_field_binary(&w, 40, "ab", 2); /* long form: 0x08, zigzag(40)=80 0x50, len 2, 'a' 'b' */
    pq_tw_field_i32(&w, 2, 300);    /* id goes back: long form 0x05, zigzag(2)=4, zigzag(300)=600: 0xd8 0x04 */
    pq_tw_field_list(&w, 3, PQ_TW_I32, 2); /* 0x19, 0x25 */
    pq_tw_i32(&w, 1);               /* 0x02 */
    pq_tw_i32(&w, -2);              /* 0x03 */
    pq_tw_struct_end(&w);           /* 0x00 */
    CHECK_EQ_INT(pq_tw_finish(&w), TN_OK);
    const uint8_t want[] = {0x15, 0x0a, 0x26, 0x01, 0x11, 0x12, 0x08, 0x50, 0x02, 'a', 'b',
                            0x05, 0x04, 0xd8, 0x04, 0x19, 0x25, 0x02, 0x03, 0x00};
    CHECK_EQ_INT(b.len, sizeof want);
    CHECK(b.len == sizeof want && memcmp(b.data, want, sizeof want) == 0);
    pq_bytes_free(&b);
}

static void test_long_list_header(void)
{
    pq_bytes b = {0};
    pq_tw w;
    pq_tw_init(&w, &b);
    pq_tw_list_begin(&w, PQ_TW_BINARY, 300);
    CHECK_EQ_INT(pq_tw_finish(&w), TN_OK);
    /* 0xf8 then varint 300 = 0xac 0x02 */
    CHECK_EQ_INT(b.len, 3);
    CHECK(b.data[0] == 0xf8 && b.data[1] == 0xac && b.data[2] == 0x02);
    pq_bytes_free(&b);
}

/* Encode a representative struct and decode it field by field. */
static void test_round_trip(void)
{
    pq_bytes b = {0};
    pq_tw w;
    pq_tw_init(&w, &b);
    char big[200];
    for (int i = 0; i < 200; i++)
        big[i] = (char)('a' + i % 26);
    pq_tw_struct_begin(&w);
    pq_tw_field_i32(&w, 1, INT32_MIN);
    pq_tw_field_i64(&w, 2, INT64_MAX);
    pq_tw_field_i64(&w, 3, INT64_MIN);
    pq_tw_field_i16(&w, 4, -300);
    pq_tw_field_i8(&w, 5, -7);
    pq_tw_field_double(&w, 6, -2.5);
    pq_tw_field_string(&w, 7, "hello");
    pq_tw_field_binary(&w, 8, big, sizeof big);
    pq_tw_field_bool(&w, 9, true);
    pq_tw_field_bool(&w, 10, false);
    pq_tw_field_struct(&w, 30); /* long-form id, nested struct */
    pq_tw_field_i32(&w, 1, 42);
    pq_tw_field_struct(&w, 2);
    pq_tw_struct_end(&w);
    pq_tw_struct_end(&w);
    pq_tw_field_list(&w, 31, PQ_TW_I64, 20); /* long list header */
    for (int i = 0; i < 20; i++)
        pq_tw_i64(&w, (int64_t)i * -1000000007LL);
    pq_tw_field_list(&w, 32, PQ_TW_BOOL_TRUE, 3);
    pq_tw_bool(&w, true);
    pq_tw_bool(&w, false);
    pq_tw_bool(&w, true);
    pq_tw_field_list(&w, 33, PQ_TW_STRUCT, 2);
    for (int i = 0; i < 2; i++) {
        pq_tw_struct_begin(&w);
        pq_tw_field_i32(&w, 1, i + 100);
        pq_tw_struct_end(&w);
    }
    pq_tw_field_i32(&w, 32767, 9); /* largest id */
    pq_tw_struct_end(&w);
    CHECK_EQ_INT(pq_tw_finish(&w), TN_OK);

    tn_err err = TN_ERR_INIT;
    pq_thrift t;
    pq_thrift_init(&t, b.data, b.len, 0, "test", &err);
    CHECK_EQ_INT(pq_thrift_struct_begin(&t), TN_OK);
    int16_t id = 0;
    int type;
    int seen = 0;
    for (;;) {
        CHECK_EQ_INT(pq_thrift_field(&t, &id, &type), TN_OK);
        if (type == PQ_TT_STOP)
            break;
        int64_t iv = 0;
        int32_t i32 = 0;
        bool bv = false;
        const uint8_t *p;
        uint32_t n;
        switch (id) {
        case 1:
            CHECK_EQ_INT(pq_thrift_i32(&t, type, &i32), TN_OK);
            CHECK(i32 == INT32_MIN);
            break;
        case 2:
            CHECK_EQ_INT(pq_thrift_int(&t, type, &iv), TN_OK);
            CHECK(iv == INT64_MAX);
            break;
        case 3:
            CHECK_EQ_INT(pq_thrift_int(&t, type, &iv), TN_OK);
            CHECK(iv == INT64_MIN);
            break;
        case 4:
            CHECK_EQ_INT(type, PQ_TT_I16);
            CHECK_EQ_INT(pq_thrift_int(&t, type, &iv), TN_OK);
            CHECK_EQ_INT(iv, -300);
            break;
        case 5:
            CHECK_EQ_INT(type, PQ_TT_I8);
            CHECK_EQ_INT(pq_thrift_int(&t, type, &iv), TN_OK);
            CHECK_EQ_INT(iv, -7);
            break;
        case 6: {
            double d = 0;
            CHECK_EQ_INT(pq_thrift_double(&t, &d), TN_OK);
            CHECK(d == -2.5);
            break;
        }
        case 7:
            CHECK_EQ_INT(pq_thrift_binary(&t, &p, &n), TN_OK);
            CHECK(n == 5 && memcmp(p, "hello", 5) == 0);
            break;
        case 8:
            CHECK_EQ_INT(pq_thrift_binary(&t, &p, &n), TN_OK);
            CHECK(n == sizeof big && memcmp(p, big, sizeof big) == 0);
            break;
        case 9:
            CHECK_EQ_INT(pq_thrift_field_bool(&t, type, &bv), TN_OK);
            CHECK(bv);
            break;
        case 10:
            CHECK_EQ_INT(pq_thrift_field_bool(&t, type, &bv), TN_OK);
            CHECK(!bv);
            break;
        case 30: {
            CHECK_EQ_INT(type, PQ_TT_STRUCT);
            CHECK_EQ_INT(pq_thrift_struct_begin(&t), TN_OK);
            int16_t sid = 0;
            int st;
            CHECK_EQ_INT(pq_thrift_field(&t, &sid, &st), TN_OK);
            CHECK_EQ_INT(sid, 1);
            CHECK_EQ_INT(pq_thrift_i32(&t, st, &i32), TN_OK);
            CHECK_EQ_INT(i32, 42);
            CHECK_EQ_INT(pq_thrift_field(&t, &sid, &st), TN_OK);
            CHECK_EQ_INT(sid, 2);
            CHECK_EQ_INT(st, PQ_TT_STRUCT);
            CHECK_EQ_INT(pq_thrift_skip(&t, st), TN_OK);
            CHECK_EQ_INT(pq_thrift_field(&t, &sid, &st), TN_OK);
            CHECK_EQ_INT(st, PQ_TT_STOP);
            pq_thrift_struct_end(&t);
            break;
        }
        case 31: {
            int et;
            CHECK_EQ_INT(pq_thrift_list_begin(&t, &et, &n), TN_OK);
            CHECK_EQ_INT(et, PQ_TT_I64);
            CHECK_EQ_INT(n, 20);
            for (uint32_t i = 0; i < n; i++) {
                CHECK_EQ_INT(pq_thrift_int(&t, et, &iv), TN_OK);
                CHECK(iv == (int64_t)i * -1000000007LL);
            }
            pq_thrift_container_end(&t);
            break;
        }
        case 32: {
            int et;
            CHECK_EQ_INT(pq_thrift_list_begin(&t, &et, &n), TN_OK);
            CHECK_EQ_INT(n, 3);
            bool want[3] = {true, false, true};
            for (uint32_t i = 0; i < n && i < 3; i++) {
                CHECK_EQ_INT(pq_thrift_elem_bool(&t, &bv), TN_OK);
                CHECK(bv == want[i]);
            }
            pq_thrift_container_end(&t);
            break;
        }
        case 33: {
            int et;
            CHECK_EQ_INT(pq_thrift_list_begin(&t, &et, &n), TN_OK);
            CHECK_EQ_INT(et, PQ_TT_STRUCT);
            CHECK_EQ_INT(n, 2);
            for (uint32_t i = 0; i < n; i++) {
                CHECK_EQ_INT(pq_thrift_struct_begin(&t), TN_OK);
                int16_t sid = 0;
                int st;
                CHECK_EQ_INT(pq_thrift_field(&t, &sid, &st), TN_OK);
                CHECK_EQ_INT(sid, 1);
                CHECK_EQ_INT(pq_thrift_i32(&t, st, &i32), TN_OK);
                CHECK_EQ_INT(i32, 100 + (int)i);
                CHECK_EQ_INT(pq_thrift_field(&t, &sid, &st), TN_OK);
                CHECK_EQ_INT(st, PQ_TT_STOP);
                pq_thrift_struct_end(&t);
            }
            pq_thrift_container_end(&t);
            break;
        }
        case 32767:
            CHECK_EQ_INT(pq_thrift_i32(&t, type, &i32), TN_OK);
            CHECK_EQ_INT(i32, 9);
            break;
        default:
            CHECK(!"unexpected field id");
            pq_thrift_skip(&t, type);
        }
        seen++;
        if (err.code)
            break;
    }
    pq_thrift_struct_end(&t);
    CHECK_EQ_INT(seen, 15);
    CHECK_EQ_INT(pq_thrift_remaining(&t), 0);
    CHECK_EQ_INT(err.code, 0);
    pq_bytes_free(&b);
}

static void test_errors(void)
{
    pq_bytes b = {0};
    pq_tw w;
    /* unbalanced: a struct left open */
    pq_tw_init(&w, &b);
    pq_tw_struct_begin(&w);
    pq_tw_field_i32(&w, 1, 1);
    CHECK_EQ_INT(pq_tw_finish(&w), TN_MISUSE);
    /* closing a struct that is not open */
    b.len = 0;
    pq_tw_init(&w, &b);
    pq_tw_struct_end(&w);
    CHECK_EQ_INT(pq_tw_finish(&w), TN_MISUSE);
    CHECK_EQ_INT(b.len, 0);
    /* a field outside any struct; sticky: later writes are ignored */
    b.len = 0;
    pq_tw_init(&w, &b);
    pq_tw_field_i32(&w, 1, 1);
    pq_tw_struct_begin(&w);
    pq_tw_field_i32(&w, 1, 1);
    pq_tw_struct_end(&w);
    CHECK_EQ_INT(pq_tw_finish(&w), TN_MISUSE);
    CHECK_EQ_INT(b.len, 0);
    /* field id 0 is invalid */
    b.len = 0;
    pq_tw_init(&w, &b);
    pq_tw_struct_begin(&w);
    pq_tw_field_i32(&w, 0, 1);
    pq_tw_struct_end(&w);
    CHECK_EQ_INT(pq_tw_finish(&w), TN_MISUSE);
    /* nesting deeper than the limit */
    b.len = 0;
    pq_tw_init(&w, &b);
    for (int i = 0; i < PQ_TW_MAX_DEPTH + 1; i++)
        pq_tw_struct_begin(&w);
    CHECK_EQ_INT(pq_tw_finish(&w), TN_MISUSE);
    pq_bytes_free(&b);
}

TEST_MAIN(test_exact_bytes, test_long_list_header, test_round_trip, test_errors)
