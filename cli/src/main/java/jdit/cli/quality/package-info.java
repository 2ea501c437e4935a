/** Reading images and videos as 8-bit frames, and comparing them through OpenCV's quality module. */
package jdit.cli.quality;
