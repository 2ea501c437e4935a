/**
 * The reference backend: plain loops in double precision, written from the definitions and checked against
 * hand-worked values. It is the oracle every other backend is tested against; slow by design.
 */
package jdit.backend.ref;
