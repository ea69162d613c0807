package handlers

// BoxMoreLinks are the dashboard boxes' "查看全部" links, for the page
// tests.
var BoxMoreLinks = boxMore
