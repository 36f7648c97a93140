<?php
header('Content-Type: text/plain');
echo "method=" . $_SERVER['REQUEST_METHOD'] . "\n";
echo "script=" . $_SERVER['SCRIPT_NAME'] . "\n";
echo "uri=" . $_SERVER['REQUEST_URI'] . "\n";
echo "get=" . json_encode($_GET) . "\n";
echo "post=" . json_encode($_POST) . "\n";
echo "cookie=" . json_encode($_COOKIE) . "\n";
