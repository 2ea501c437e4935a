/**
 * Model families and the published checkpoint layouts; for now the recognition of a layout from its tensor
 * names ({@link jdit.model.LayoutRecognizer}).
 */
package jdit.model;
