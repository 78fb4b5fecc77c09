#include "net/router.h"

#include <gtest/gtest.h>

namespace vigie::net {
namespace {

Handler Reply(std::string text) {
  return [text](const Request& req, Response& res) {
    std::string body = text;
    for (const auto& [k, v] : req.path_params) body += " " + k + "=" + v;
    res.Set(200, body);
  };
}

Response Serve(const Router& r, std::string method, std::string path) {
  Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  Response res;
  r.Serve(req, res);
  return res;
}

TEST(Router, LiteralParamAndPrefix) {
  Router r;
  r.Get("/api/v1/labels", Reply("labels"));
  r.Get("/api/v1/label/{name}/values", Reply("values"));
  r.HandlePrefix("GET", "/static/", Reply("static"));
  r.HandlePrefix("GET", "/static/img/", Reply("img"));
  r.Get("/static/special", Reply("special"));

  EXPECT_EQ(Serve(r, "GET", "/api/v1/labels").body, "labels");
  EXPECT_EQ(Serve(r, "GET", "/api/v1/label/job/values").body, "values name=job");
  EXPECT_EQ(Serve(r, "GET", "/api/v1/label/a b/values").body, "values name=a b");
  EXPECT_EQ(Serve(r, "GET", "/api/v1/label//values").status, 404);  // empty segment
  EXPECT_EQ(Serve(r, "GET", "/api/v1/label/x/values/more").status, 404);
  EXPECT_EQ(Serve(r, "GET", "/static/app.js").body, "static *=app.js");
  EXPECT_EQ(Serve(r, "GET", "/static/img/a.png").body, "img *=a.png");  // longest prefix
  EXPECT_EQ(Serve(r, "GET", "/static/special").body, "special");        // literal wins
  Response nf = Serve(r, "GET", "/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_NE(nf.body.find("/nope"), std::string::npos);
}

TEST(Router, MethodsHeadAnd405) {
  Router r;
  r.Get("/q", Reply("get"));
  r.Post("/q", Reply("post"));
  r.Delete("/d/{id}", Reply("del"));
  EXPECT_EQ(Serve(r, "GET", "/q").body, "get");
  EXPECT_EQ(Serve(r, "HEAD", "/q").body, "get");  // HEAD uses GET; the server drops the body
  EXPECT_EQ(Serve(r, "POST", "/q").body, "post");
  Response res = Serve(r, "PUT", "/q");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.headers.GetOr("Allow"), "GET, HEAD, POST");
  EXPECT_NE(res.body.find("PUT"), std::string::npos);
  EXPECT_EQ(Serve(r, "GET", "/d/7").status, 405);
  EXPECT_EQ(Serve(r, "DELETE", "/d/7").body, "del id=7");
}

TEST(Router, ReRegisteringReplaces) {
  Router r;
  r.Get("/x", Reply("one"));
  r.Get("/x", Reply("two"));
  EXPECT_EQ(Serve(r, "GET", "/x").body, "two");
}

TEST(Router, RouteSetOnRequest) {
  Router r;
  r.Get("/api/v1/label/{name}/values",
        [](const Request& req, Response& res) { res.Set(200, std::string(req.route)); });
  EXPECT_EQ(Serve(r, "GET", "/api/v1/label/x/values").body, "/api/v1/label/{name}/values");
}

TEST(Response, WriteWithoutServerBuffers) {
  Response res;
  EXPECT_TRUE(res.Write("a"));
  EXPECT_TRUE(res.Write("b"));
  EXPECT_TRUE(res.streaming());
  EXPECT_EQ(res.body, "ab");
}

}  // namespace
}  // namespace vigie::net
