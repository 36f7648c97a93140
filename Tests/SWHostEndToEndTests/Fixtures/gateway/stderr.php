<?php
error_log("php says hello on stderr");
echo "ok\n";
