import { match } from "path-to-regexp";
import { describe, expect, it } from "vitest";
import { orderRoutePaths, toExpressPath } from "../../../codegen/emit/express-path.js";

describe("toExpressPath", () => {
  it.each([
    ["/v1/products", "/v1/products"],
    ["/v1/carts/{cart_id}", "/v1/carts/:cart_id"],
    ["/v1/carts/{cart_id}/items/{item_id}", "/v1/carts/:cart_id/items/:item_id"],
    ["/things/{thing-id}", '/things/:"thing-id"'],
    ["/things/{thing.id}", '/things/:"thing.id"'],
    ["/files/{name}.{ext}", "/files/:name.:ext"],
    ["/search(v2)", "/search\\(v2\\)"],
    ["/a+b/c*d/e?f/g!h", "/a\\+b/c\\*d/e\\?f/g\\!h"],
    ["/ns:action/{id}", "/ns\\:action/:id"],
  ])("%s → %s", (given, want) => {
    expect(toExpressPath(given)).toBe(want);
  });

  // Express 5 routes with path-to-regexp 8: the converted path must match the
  // URLs the template describes and yield the parameters by their spec names.
  it.each([
    ["/v1/carts/{cart_id}/items/{item_id}", "/v1/carts/c1/items/i2", { cart_id: "c1", item_id: "i2" }],
    ["/things/{thing-id}", "/things/t%2D1", { "thing-id": "t-1" }],
    ["/files/{name}.{ext}", "/files/report.pdf", { name: "report", ext: "pdf" }],
    ["/search(v2)/{q}", "/search(v2)/shoes", { q: "shoes" }],
    ["/ns:action/{id}", "/ns:action/7", { id: "7" }],
  ])("%s matches %s", (template, url, params) => {
    const result = match(toExpressPath(template))(url);
    expect(result && result.params).toEqual(params);
  });

  it.each([
    ["/v1/carts/{cart_id}", "/v1/carts"],
    ["/v1/carts/{cart_id}", "/v1/carts/c1/items"],
    ["/search(v2)/{q}", "/searchv2/shoes"],
  ])("%s does not match %s", (template, url) => {
    expect(match(toExpressPath(template))(url)).toBe(false);
  });
});

describe("orderRoutePaths", () => {
  const before = (ordered: string[], first: string, second: string) =>
    expect(ordered.indexOf(first), ordered.join(" ")).toBeLessThan(ordered.indexOf(second));

  it.each([
    [["/customers/{id}", "/customers/search"], "/customers/search", "/customers/{id}"],
    [["/a/{x}/{y}", "/a/{x}/b"], "/a/{x}/b", "/a/{x}/{y}"],
  ])("%j puts %s before %s", (paths, first, second) => {
    before(orderRoutePaths(paths), first, second);
  });

  // A non-parameter path in between must not keep `/customers/{id}` ahead of
  // `/customers/search`: Express would route /customers/search to the {id} handler.
  it("sorts every literal segment before a parameter at the same depth, whatever lies between them", () => {
    const ordered = orderRoutePaths(["/customers/{id}", "/orders", "/customers/search", "/customers/{id}/notes", "/customers/me/notes"]);
    before(ordered, "/customers/search", "/customers/{id}");
    before(ordered, "/customers/me/notes", "/customers/{id}/notes");
  });

  it.each([
    [["/b/{id}", "/a/{id}", "/c/{id}"]],
    [["/orders/{id}", "/customers/{id}"]],
    [["/a", "/a/{id}"]],
  ])("keeps spec order where nothing conflicts: %j", (paths) => {
    expect(orderRoutePaths(paths)).toEqual(paths);
  });

  it("returns every path exactly once", () => {
    const paths = ["/x/{a}", "/x/y", "/", "/x", "/x/{a}/z", "/x/y/z"];
    expect([...orderRoutePaths(paths)].sort()).toEqual([...paths].sort());
  });
});
