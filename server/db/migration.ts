/**
 * What a server migration is: a version, a name recorded in schema_migrations, and the SQL it
 * runs. The migrations themselves are in migrations/, one file each; migrate.ts applies them.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One statement each: PGlite's parameterised query runs a single statement. */
  readonly statements: readonly string[];
}
