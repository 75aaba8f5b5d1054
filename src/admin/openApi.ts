// /admin/api/openapi.json, generated from the zod schemas the API validates requests with, so
// the document and the checks cannot disagree.
import { z } from 'zod';
import { assignTokenBody, bypassBody, createApplicationBody, createUserBody, importTokensBody, logQuery, updateApplicationBody, updateUserBody } from './schemas.js';
import { whatIfQuery } from './policies.js';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });

/** A schema registered under its id (`.meta({ id })`): its own definition, for components.schemas. */
function component(schema: z.ZodType) {
  const document = json(schema) as Record<string, unknown> & { definitions?: Record<string, unknown> };
  const id = schema.meta()?.id;
  return (id && document.definitions?.[id]) ?? document;
}

/** A query schema as OpenAPI parameters, one per property. */
function queryParameters(schema: z.ZodType) {
  const document = component(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(document.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: document.required?.includes(name) ?? false, schema: property }));
}

const errors = {
  400: { description: 'The request was invalid; nothing was changed. `problems` says what, one line per field.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  401: { description: 'No access token, or one that is not valid.' },
  403: { description: 'The token lacks the admin scope, or its holder is not an administrator.' },
};
const notFound = { 404: { description: 'There is no such user (or method).', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } };
const body = (ref: string) => ({ required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const ok = (description: string) => ({ 200: { description, content: { 'application/json': { schema: { type: 'object' } } } } });
const userId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const clientId = { name: 'clientId', in: 'path', required: true, schema: { type: 'string' } };

export function openApiDocument(issuer: string, scope: string) {
  return {
    openapi: '3.0.3',
    info: { title: 'Twofold admin API', version: '1', description: `Users, their methods, one-time bypasses, fraud reports and the sign-in log. Every call needs an access token from this Twofold with the \`${scope}\` scope: a service client's (client credentials grant; the client must be listed in TWOFOLD_ADMIN_API_CLIENTS) or an administrator's own, from a sign-in with a second factor at a first-party application.` },
    servers: [{ url: new URL('/admin/api', issuer).href }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: `An access token with the ${scope} scope.` } },
      schemas: {
        CreateUser: component(createUserBody),
        UpdateUser: component(updateUserBody),
        IssueBypass: component(bypassBody),
        CreateApplication: component(createApplicationBody),
        UpdateApplication: component(updateApplicationBody),
        ImportTokens: component(importTokensBody),
        AssignToken: component(assignTokenBody),
        Error: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } }, required: ['error'] },
      },
    },
    paths: {
      '/users': {
        get: { summary: 'Find users by name, username, email or phone', parameters: [{ name: 'q', in: 'query', required: false, schema: { type: 'string' } }], responses: { ...ok('The users found'), ...errors } },
        post: { summary: 'Create a user', requestBody: body('CreateUser'), responses: { 201: { description: 'The user created' }, ...errors } },
      },
      '/users/{id}': {
        parameters: [userId],
        get: { summary: "A user's account, methods (masked), locks, fraud block and bypass", responses: { ...ok('The user'), ...errors, ...notFound } },
        patch: { summary: "Change a user's profile, groups or disabled state (all or nothing)", requestBody: body('UpdateUser'), responses: { ...ok('The user as changed'), ...errors, ...notFound } },
      },
      '/users/{id}/methods/{credentialId}': {
        parameters: [userId, { name: 'credentialId', in: 'path', required: true, schema: { type: 'string' } }],
        delete: { summary: 'Remove one method', responses: { 204: { description: 'Removed' }, ...errors, ...notFound } },
      },
      '/users/{id}/reregister': { parameters: [userId], post: { summary: 'Require re-registration: remove every method and remembered device, end every session', responses: { ...ok('What was removed'), ...errors, ...notFound } } },
      '/users/{id}/unlock': { parameters: [userId], post: { summary: 'Lift lockouts after failed attempts', responses: { 204: { description: 'Unlocked' }, ...errors, ...notFound } } },
      '/users/{id}/unblock': { parameters: [userId], post: { summary: 'Lift the block a fraud report put on the second factor', responses: { ...ok('`unblocked`: whether there was a block'), ...errors, ...notFound } } },
      '/users/{id}/bypass': {
        parameters: [userId],
        post: { summary: 'Issue a one-time bypass', requestBody: { ...body('IssueBypass'), required: false }, responses: { 201: { description: 'The bypass, with its expiry' }, ...errors, ...notFound } },
        delete: { summary: 'Withdraw an unused bypass', responses: { 204: { description: 'Withdrawn' }, ...errors, ...notFound } },
      },
      '/fraud-reports': { get: { summary: 'Fraud reports, newest first, with each account\'s block', responses: { ...ok('The reports'), ...errors } } },
      '/applications': {
        get: { summary: 'Registered applications (relying parties)', responses: { ...ok('The applications'), ...errors } },
        post: { summary: 'Register an application; a confidential one\'s secret is in the answer, once', requestBody: body('CreateApplication'), responses: { 201: { description: 'The application, and its secret' }, ...errors } },
      },
      '/applications/{clientId}': {
        parameters: [clientId],
        get: { summary: 'One application', responses: { ...ok('The application'), ...errors, ...notFound } },
        patch: { summary: 'Change its name, redirect URIs, first-party or legacy mark', requestBody: body('UpdateApplication'), responses: { ...ok('The application as changed, and what changed'), ...errors, ...notFound } },
      },
      '/applications/{clientId}/rotate-secret': { parameters: [clientId], post: { summary: 'A new secret (the old one stops working at once), in the answer once', responses: { ...ok('`secret`'), ...errors, ...notFound } } },
      '/tokens': { get: { summary: 'Hardware tokens: in stock, assigned, active', responses: { ...ok('The tokens'), ...errors } } },
      '/tokens/import': { post: { summary: "Import a vendor's CSV or PSKC file (all or nothing)", requestBody: body('ImportTokens'), responses: { ...ok('`imported` and `assigned` counts'), ...errors } } },
      '/tokens/assign': { post: { summary: 'Assign a token in stock to a person', requestBody: body('AssignToken'), responses: { ...ok('`outcome`: assigned or already'), ...errors } } },
      '/tokens/{serial}/unassign': {
        parameters: [{ name: 'serial', in: 'path', required: true, schema: { type: 'string' } }],
        post: { summary: 'Back to stock (an activated token leaves its account)', responses: { ...ok('`outcome`: stock, removed or already'), ...errors } },
      },
      '/policies/what-if': { get: { summary: 'The policy decision and its trace for a sign-in that has not happened', parameters: queryParameters(whatIfQuery), responses: { ...ok('`decision` and `explanation`'), ...errors } } },
      '/sign-ins': { get: { summary: 'The sign-in log, filtered, newest first, with counts per hour by result', parameters: queryParameters(logQuery), responses: { ...ok('Entries and counts per hour'), ...errors } } },
    },
  };
}
