/** diffusers model folders: {@code config.json} plus safetensors weights, sharded with an index or not. */
package jdit.io.diffusers;
