/** One file of output, its path relative to the output directory (POSIX separators). */
export interface EmittedFile {
  readonly path: string;
  readonly contents: string;
}
