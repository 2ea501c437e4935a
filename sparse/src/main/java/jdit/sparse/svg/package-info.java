/** Sparse VideoGen (SVG1): per-head spatial or temporal classification by online profiling, one band mask for all. */
package jdit.sparse.svg;
