/** The profile's report files: the self-contained HTML page and its charts. */
package jdit.cli.report;
