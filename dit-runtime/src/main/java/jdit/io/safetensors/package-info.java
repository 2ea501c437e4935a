/** The safetensors format: a validating memory-mapped reader and an atomic writer. */
package jdit.io.safetensors;
