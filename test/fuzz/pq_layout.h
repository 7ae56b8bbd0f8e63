/*
 * pq_layout.h -- finds the mutation targets of a Parquet file for the corruption tests: the
 * footer, every page header of every column chunk, and inside them the byte ranges of every
 * integer, binary length and list size (located by walking the Thrift compact encoding with
 * src/parquet/thrift.h). Used by test/unit/parquet/test_corrupt_files.c (deterministic
 * mutations) and fuzz_parquet_file.c (its structure-aware custom mutator).
 *
 * Header-only (static functions) because fuzz targets are single translation units. Allocates
 * with malloc; pql_free releases a layout.
 */
#ifndef TN_FUZZ_PQ_LAYOUT_H
#define TN_FUZZ_PQ_LAYOUT_H

#include "parquet/metadata.h"
#include "parquet/thrift.h"

#include <stdlib.h>
#include <string.h>

#define PQL_UNUSED __attribute__((unused))
#define PQL_FN PQL_UNUSED static

enum { PQL_INT, PQL_BINLEN, PQL_LISTSIZE };

typedef struct pql_loc {
    size_t off, len; /* bytes of the encoded value, as file offsets */
    int kind;
} pql_loc;

typedef struct pql_locs {
    pql_loc *v;
    size_t n, cap;
} pql_locs;

typedef struct pql_layout {
    size_t footer_off, footer_len;
    pql_locs footer;              /* values inside the footer */
    pql_locs headers;             /* values inside page headers */
    size_t *hdr_start, *hdr_len;  /* every page header found */
    size_t nhdr, hdr_cap;
    bool pages_complete;          /* every column chunk was walked to its end */
} pql_layout;

PQL_FN void pql_add(pql_locs *L, size_t off, size_t len, int kind)
{
    if (L->n == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 256;
        pql_loc *v = realloc(L->v, cap * sizeof *v);
        if (!v)
            return;
        L->v = v;
        L->cap = cap;
    }
    L->v[L->n].off = off;
    L->v[L->n].len = len;
    L->v[L->n].kind = kind;
    L->n++;
}

static int pql_walk_value(pq_thrift *t, int type, bool elem, pql_locs *L);

PQL_FN int pql_walk_struct(pq_thrift *t, pql_locs *L)
{
    int rc = pq_thrift_struct_begin(t);
    int16_t id = 0;
    while (rc == TN_OK) {
        int ty;
        if ((rc = pq_thrift_field(t, &id, &ty)) || ty == PQ_TT_STOP)
            break;
        rc = pql_walk_value(t, ty, false, L);
    }
    pq_thrift_struct_end(t);
    return rc;
}

PQL_FN int pql_walk_value(pq_thrift *t, int type, bool elem, pql_locs *L)
{
    size_t at = (size_t)pq_thrift_offset(t);
    int rc;
    if (type == PQ_TT_I16 || type == PQ_TT_I32 || type == PQ_TT_I64) {
        int64_t v;
        if ((rc = pq_thrift_int(t, type, &v)) == TN_OK)
            pql_add(L, at, (size_t)pq_thrift_offset(t) - at, PQL_INT);
        return rc;
    }
    if (type == PQ_TT_BINARY) {
        uint64_t len;
        if ((rc = pq_thrift_varint(t, &len)))
            return rc;
        pql_add(L, at, (size_t)pq_thrift_offset(t) - at, PQL_BINLEN);
        if (len > pq_thrift_remaining(t))
            return TN_CORRUPT;
        t->p += len;
        return TN_OK;
    }
    if (type == PQ_TT_LIST || type == PQ_TT_SET) {
        int et;
        uint32_t n;
        if ((rc = pq_thrift_list_begin(t, &et, &n)))
            return rc;
        pql_add(L, at, (size_t)pq_thrift_offset(t) - at, PQL_LISTSIZE);
        for (uint32_t i = 0; i < n && rc == TN_OK; i++)
            rc = pql_walk_value(t, et, true, L);
        pq_thrift_container_end(t);
        return rc;
    }
    if (type == PQ_TT_STRUCT)
        return pql_walk_struct(t, L);
    return elem ? pq_thrift_skip_elem(t, type) : pq_thrift_skip(t, type);
}

PQL_FN void pql_free(pql_layout *ly)
{
    free(ly->footer.v);
    free(ly->headers.v);
    free(ly->hdr_start);
    free(ly->hdr_len);
    memset(ly, 0, sizeof *ly);
}

/* Walk file b[0..n). Returns false if the framing or the footer cannot be decoded (then nothing
 * is located); page headers are walked as far as they decode (pages_complete tells). */
PQL_FN bool pql_find(const uint8_t *b, size_t n, pql_layout *ly)
{
    memset(ly, 0, sizeof *ly);
    if (n < 12 || memcmp(b + n - 4, "PAR1", 4) != 0)
        return false;
    uint32_t flen = (uint32_t)b[n - 8] | (uint32_t)b[n - 7] << 8 | (uint32_t)b[n - 6] << 16 | (uint32_t)b[n - 5] << 24;
    if ((uint64_t)flen + 12 > n)
        return false;
    ly->footer_len = flen;
    ly->footer_off = n - 8 - flen;
    pq_thrift t;
    tn_err err = TN_ERR_INIT;
    pq_thrift_init(&t, b + ly->footer_off, flen, ly->footer_off, "footer", &err);
    if (pql_walk_struct(&t, &ly->footer) != TN_OK)
        return false;
    pq_file_meta m;
    if (pq_file_meta_decode(b + ly->footer_off, flen, ly->footer_off, &m, &err) != TN_OK)
        return false;
    ly->pages_complete = true;
    for (uint32_t g = 0; g < m.nrow_groups; g++)
        for (uint32_t c = 0; c < m.row_groups[g].ncolumns; c++) {
            const pq_column_meta *md = m.row_groups[g].columns[c].meta;
            if (!md)
                continue;
            int64_t start = md->data_page_offset;
            if (md->has_dictionary_page_offset && md->dictionary_page_offset > 0 && md->dictionary_page_offset < start)
                start = md->dictionary_page_offset;
            if (start < 4 || md->total_compressed_size < 0 || (uint64_t)start > ly->footer_off ||
                (uint64_t)md->total_compressed_size > ly->footer_off - (uint64_t)start) {
                ly->pages_complete = false;
                continue;
            }
            size_t pos = (size_t)start, end = (size_t)(start + md->total_compressed_size);
            while (pos < end) {
                pq_page_header h;
                size_t hl = 0;
                if (pq_page_header_decode(b + pos, end - pos, pos, "page", &h, &hl, &err) != TN_OK)
                    break;
                pq_thrift_init(&t, b + pos, hl, pos, "page", &err);
                pql_walk_struct(&t, &ly->headers);
                if (ly->nhdr == ly->hdr_cap) {
                    size_t cap = ly->hdr_cap ? ly->hdr_cap * 2 : 64;
                    size_t *s = realloc(ly->hdr_start, cap * sizeof *s), *l = s ? realloc(ly->hdr_len, cap * sizeof *l) : NULL;
                    if (s)
                        ly->hdr_start = s;
                    if (!s || !l)
                        break;
                    ly->hdr_len = l;
                    ly->hdr_cap = cap;
                }
                ly->hdr_start[ly->nhdr] = pos;
                ly->hdr_len[ly->nhdr++] = hl;
                pos += hl + (size_t)h.compressed_page_size;
            }
            if (pos != end)
                ly->pages_complete = false;
        }
    pq_file_meta_free(&m);
    return true;
}

PQL_FN void pql_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

PQL_FN size_t pql_varint(uint8_t *o, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        o[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    o[n++] = (uint8_t)v;
    return n;
}

PQL_FN uint64_t pql_zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

/* out = in with bytes [off, off+len) replaced by rep[0..rn); the footer length is fixed up when
 * the range lies in the footer (footer_off/footer_len describe `in`). out must hold n - len + rn
 * bytes; returns that size. */
PQL_FN size_t pql_splice(const uint8_t *in, size_t n, const pql_layout *ly, size_t off, size_t len, const uint8_t *rep,
                         size_t rn, uint8_t *out)
{
    size_t m = n - len + rn;
    memmove(out, in, off);
    memmove(out + off + rn, in + off + len, n - off - len);
    memcpy(out + off, rep, rn);
    if (off >= ly->footer_off)
        pql_put_u32(out + m - 8, (uint32_t)(ly->footer_len - len + rn));
    return m;
}

#endif
