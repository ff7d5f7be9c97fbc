/** The Discord front end: createBot for the running bot, registerCommands for the registration script. */
export { type Bot, createBot } from "./bot.js";
export { COMMAND_NAMES, type CommandName, commandDefinitions } from "./commands/registry.js";
export type { BotDeps, BotOptions } from "./context.js";
export { GatewayClosedError } from "./gateway-close.js";
export { registerCommands } from "./register.js";
