/** Writing what a generation produced: 8-bit images and PNG files with their generation parameters. */
package jdit.cli.output;
