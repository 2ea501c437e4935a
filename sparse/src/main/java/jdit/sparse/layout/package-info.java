/** Token orders and block-mask helpers shared by the sparse methods (NABLA's 8x8 tile order, keep matrices to plans). */
package jdit.sparse.layout;
