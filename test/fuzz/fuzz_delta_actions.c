/*
 * fuzz_delta_actions.c -- libFuzzer target for the Delta log parsing and replay path: the
 * newline-delimited JSON action parser (src/delta/actions.c), reconciliation and snapshot building
 * (replay.c: protocol check, schemaString parsing in schema.c, path resolution and traversal
 * refusal, typed partition values in values.c), per-file stats parsing, the numRecords skimmer,
 * and the partition-value parser on raw text.
 *
 * Input: the bytes of up to 8 commit files separated by NUL bytes; they are applied as versions
 * 0, 1, ... to a table rooted at "/t" (no I/O happens: paths are only resolved). Every failure
 * must be TN_CORRUPT / TN_NOTSUP / TN_NOMEM with a non-empty message; a snapshot that loads must
 * have consistent files (full paths under the root unless absolute, one typed value per partition
 * column), and its stats must parse without error.
 */
#include "delta/delta.h"
#include "delta/delta_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_if(int cond, const char *what)
{
    if (cond) {
        fprintf(stderr, "fuzz_delta_actions: %s\n", what);
        abort();
    }
}

static void check_fail(int rc, const tn_err *err)
{
    die_if(rc != TN_CORRUPT && rc != TN_NOTSUP && rc != TN_NOMEM, "unexpected result code");
    die_if(err->msg[0] == 0, "error without a message");
}

static void exercise_snapshot(dlt_snapshot *s)
{
    tn_err err = TN_ERR_INIT;
    uint32_t np = s->metadata.npartition_columns;
    for (uint64_t i = 0; i < s->nfiles; i++) {
        const dlt_file *f = &s->files[i];
        die_if(!f->full_path || !f->path, "file without path");
        die_if(strstr(f->full_path, "/../") != NULL, "traversal survived");
        die_if(np && (!f->partition_values || !f->partition_raw), "partition values missing");
        for (uint32_t k = 0; k < np; k++)
            die_if(f->partition_values[k].type.id != s->metadata.schema.fields[s->metadata.partition_field[k]].type.id,
                   "partition value of the wrong type");
        dlt_stats st;
        int rc = dlt_file_stats(s, f, &st, &err);
        die_if(rc != TN_OK && rc != TN_NOMEM, "stats failed");
        if (rc == TN_OK) {
            die_if(st.ncols != s->metadata.schema.nfields, "stats column count");
            dlt_stats_free(&st);
        }
        if (np) {
            tn_value *vals = tn_calloc(np, sizeof *vals);
            if (vals && dlt_snapshot_parse_partitions(s, &f->partition_map, vals, &err) == TN_OK)
                for (uint32_t k = 0; k < np; k++)
                    tn_value_free(&vals[k]);
            tn_free(vals);
        }
    }
    for (uint32_t i = 0; i < s->ntxns; i++)
        die_if(dlt_snapshot_find_txn(s, s->txns[i].app_id) != &s->txns[i], "txn lookup");
    for (uint32_t i = 0; i < s->ndomains; i++)
        die_if(dlt_snapshot_find_domain(s, s->domains[i].domain) != &s->domains[i], "domain lookup");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a NUL-terminated private copy (the parser may look one byte past the end) */
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    tn_err err = TN_ERR_INIT;

    /* the table: built by hand, no file system needed for parsing and replay */
    dlt_table *t = tn_calloc(1, sizeof *t);
    dlt_replay *r = NULL;
    dlt_arena scratch;
    dlt_arena_init(&scratch);
    if (!t || !(t->root = tn_strdup("/t")) || dlt_replay_new(t, &r)) {
        if (t)
            tn_free(t->root);
        tn_free(t);
        free(buf);
        return 0;
    }
    t->refcnt = 1;
    t->allow_outside = size && (data[0] & 1);

    int rc = TN_OK;
    int64_t v = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size && v < 8; i++) {
        if (i < size && buf[i] != 0)
            continue;
        dlt_replay_begin_commit(r, v);
        char name[64];
        snprintf(name, sizeof name, "/t/_delta_log/%020lld.json", (long long)v);
        rc = dlt_parse_actions(name, buf + start, i - start, &scratch, true, dlt_replay_apply, r, &err);
        if (rc)
            break;
        v++;
        start = i + 1;
    }
    if (rc) {
        check_fail(rc, &err);
    } else {
        dlt_snapshot *s = NULL;
        tn_err_clear(&err);
        rc = dlt_replay_finish(r, v ? v - 1 : 0, &s, &err);
        if (rc)
            check_fail(rc, &err);
        else {
            exercise_snapshot(s);
            dlt_snapshot_unref(s);
        }
    }
    dlt_replay_free(r);
    dlt_arena_free(&scratch);

    /* the input as a schemaString, a partition value and a stats document */
    dlt_arena a;
    dlt_arena_init(&a);
    dlt_schema sc;
    tn_err_clear(&err);
    rc = dlt_schema_parse(&a, buf, (dlt_cm_mode)(size ? data[size - 1] % 3 : 0), &sc, &err);
    if (rc)
        check_fail(rc, &err);
    dlt_arena_free(&a);
    tn_type types[] = {tn_type_make(TN_T_INT8),   tn_type_make(TN_T_INT64), tn_type_make(TN_T_DOUBLE),
                       tn_type_decimal(38, 10),   tn_type_decimal(9, 3),    tn_type_make(TN_T_DATE),
                       tn_type_timestamp(TN_UNIT_US, true), tn_type_make(TN_T_BOOL), tn_type_make(TN_T_VARCHAR)};
    size_t first_line = strcspn(buf, "\n");
    if (first_line < 256) {
        char val[257];
        memcpy(val, buf, first_line);
        val[first_line] = 0;
        for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
            tn_value out;
            tn_err_clear(&err);
            rc = dlt_partition_value_parse(NULL, types[k], val, "c", &out, &err);
            if (rc == TN_OK)
                tn_value_free(&out);
            else
                check_fail(rc, &err);
        }
    }
    int64_t nr;
    (void)dlt_json_top_int(buf, size, "numRecords", &nr);

    dlt_table_unref(t);
    free(buf);
    return 0;
}
