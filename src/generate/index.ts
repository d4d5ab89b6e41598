/**
 * Schema generators: pure functions from a relata schema to the text of another tool's schema
 * file (Prisma, Drizzle, DBML) or a diagram (Mermaid), for the tables relata creates.
 */
export { type DbmlOptions, generateDbml } from "./dbml.js";
export { type DrizzleOptions, generateDrizzle } from "./drizzle.js";
export { generateMermaid, type MermaidOptions } from "./mermaid.js";
export { generatePrisma, type PrismaOptions } from "./prisma.js";
