/** Layers built from weights; for now the axial rotary embedding tables Wan2.1 uses. */
package jdit.nn;
