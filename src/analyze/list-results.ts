// @fileoverview Library functions that hand back a list they allocated through a pointer parameter, as facts read
// from their source: where the list's head is stored, where each node points to the next, and the fields whose
// values the function fixes. The value analysis of src/analyze/arg-values.ts reads such a field where a program
// walks the list in the function that asked for it (`for (p = res; p; p = p->ai_next) socket(p->ai_family, ...)`)
// and writes none of it. A function not listed here may put anything in what it returns.

export interface ListField {
  /** Byte offset in the node and size of the field. */
  offset: number;
  size: number;
  /** Every value the function stores there. */
  values: readonly number[];
}

export interface ListResult {
  /** 0-based index of the parameter through which the list's head is stored (`struct addrinfo **res`). */
  param: number;
  /** Byte offset of the pointer to the next node (null at the end). */
  next: number;
  fields: readonly ListField[];
  /** Upstream file:line the facts are read from. */
  source: string;
}

const AF_INET = 2;
const AF_INET6 = 10;

/**
 * getaddrinfo(node, service, hints, res): every node's ai_family is AF_INET or AF_INET6, whatever the hints ask.
 * glibc 2.36 (bminor/glibc, tag glibc-2.36, commit c804cd1c00adde061ca51711f63068c103e94eef):
 * sysdeps/posix/getaddrinfo.c:2311-2313 refuses any other hints->ai_family with EAI_FAMILY, and the nodes are made
 * only in generate_addrinfo (:1045-1071), `ai->ai_family = family` with `family = at->family` of an address tuple,
 * whose families are set AF_INET or AF_INET6 (:254, 538, 689, 870, 877; the NSS answers are asked for those two).
 * musl 1.2.3 (bminor/musl, tag v1.2.3, commit 7a43f6fea9081bdd53d8a11cef9e9fab0348c53d):
 * src/network/getaddrinfo.c:34-40 refuses other families, :109 `.ai_family = addrs[i].family`, and
 * src/network/lookup_name.c (:31-39, 119, 125) and lookup_ipliteral.c (:20, 40) fill addresses of those two only.
 * The node's layout on LP64 (glibc resolv/netdb.h:565-575, musl include/netdb.h): ai_flags at 0, ai_family at 4,
 * ai_next at 40.
 */
export const LIST_RESULTS: ReadonlyMap<string, ListResult> = new Map([
  ["getaddrinfo", {
    param: 3,
    next: 40,
    fields: [{ offset: 4, size: 4, values: [AF_INET, AF_INET6] }],
    source: "glibc-2.36 sysdeps/posix/getaddrinfo.c:1045-1071,2311-2313; musl v1.2.3 src/network/getaddrinfo.c:34-40,109",
  }],
]);
