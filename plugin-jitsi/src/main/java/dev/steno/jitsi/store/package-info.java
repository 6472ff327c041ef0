/** JDBC persistence of meeting transcripts: embedded SQLite by default, PostgreSQL by JDBC URL; versioned schema. */
package dev.steno.jitsi.store;
